"""Pages: networkx projections of query results rendered as interactive graphs."""
