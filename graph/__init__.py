"""The build pipeline: read, segment, extract, resolve, emit, store."""
