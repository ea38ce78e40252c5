"""Importers: roadmaps from outside (spreadsheets, the Kubernetes KEP history) into roadlog.

Every importer goes through the application's commands, as the source's actor, at the
source's business time, so imported history obeys the same rules as history made in
roadlog. Each one reads and checks its whole input before recording anything, derives
the ids of what it creates from the source (so an interrupted import can run again
without duplicates), and reports progress through ``backend.importing.progress``.
"""
