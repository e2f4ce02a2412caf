"""Audits across network segments: a coordinator and Celery workers, one queue per segment."""
