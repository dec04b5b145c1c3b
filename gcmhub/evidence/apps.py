from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "gcmhub.evidence"
    verbose_name = "Evidence"
