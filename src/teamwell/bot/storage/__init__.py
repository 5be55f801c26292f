"""SQLAlchemy storage: tables, repositories and the unit of work."""
