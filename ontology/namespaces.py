"""Every namespace the project uses, defined once.

>>> str(PKG.CentralDirective)
'https://w3id.org/policykg/ontology#CentralDirective'
>>> str(ID)
'https://w3id.org/policykg/id/'
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

#: Our own terms: tasks, roles, central directives, audit findings.
PKG = Namespace("https://w3id.org/policykg/ontology#")
#: Instance data: documents, agencies, tasks, source spans.
ID = Namespace("https://w3id.org/policykg/id/")
#: The named graph the build writes its data into.
DATA_GRAPH = ID["graph/corpus"]
#: The named graph holding the reasoner's conclusions (inferred types).
INFERRED_GRAPH = ID["graph/inferred"]
#: The named graph holding the ontology itself.
ONTOLOGY_GRAPH = ID["graph/ontology"]

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PPLAN = Namespace("http://purl.org/net/p-plan#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefixes written into Turtle output and SPARQL query headers.
PREFIXES: dict[str, Namespace] = {
    "pkg": PKG,
    "id": ID,
    "eli": ELI,
    "org": ORG,
    "p-plan": PPLAN,
    "prov": PROV,
    "time": TIME,
    "oa": OA,
    "sh": SH,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
}

__all__ = [
    "DATA_GRAPH",
    "DCTERMS",
    "ELI",
    "ID",
    "INFERRED_GRAPH",
    "OA",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PKG",
    "PPLAN",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "TIME",
    "XSD",
]
