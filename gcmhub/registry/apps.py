from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "gcmhub.registry"
    verbose_name = "Registry"
