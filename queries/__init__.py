"""SPARQL queries, one per ``.rq`` file, and the runner that binds and runs them."""
