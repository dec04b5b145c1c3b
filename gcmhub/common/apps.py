from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "gcmhub.common"
    label = "common"
    verbose_name = "Common"
