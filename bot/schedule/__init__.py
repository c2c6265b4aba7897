"""The conference schedule: model, native file format, importers (``formats``), diff, index."""
