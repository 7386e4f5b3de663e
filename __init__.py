"""policykg: a knowledge graph of Vietnamese directives, plans, tasks and agencies.

The repository root is the ``policykg`` package: its rooms are ``ontology`` (terms and
reasoning), ``graph`` (the build pipeline), ``queries`` (SPARQL files and their runner),
``viz`` (pages) and ``build`` (the command line).
"""

__version__ = "0.1.0"
