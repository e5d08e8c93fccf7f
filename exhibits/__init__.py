"""The collection: one package per room, one folder per exhibit."""
