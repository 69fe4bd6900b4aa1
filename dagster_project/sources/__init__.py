"""Ingestion: one module per landing source, each loading its files into the raw schema."""
