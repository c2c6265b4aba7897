"""The conference schedule: model, native file format, and a fast query index."""
