"""The ontology room: terms in Turtle, the namespaces, loading and reasoning."""
