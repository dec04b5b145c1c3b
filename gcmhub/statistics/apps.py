from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "gcmhub.statistics"
    verbose_name = "Statistics"

    def ready(self) -> None:
        from gcmhub.registry.selectors import COUNTRY_SECTIONS
        from gcmhub.statistics.profiles import country_section

        if country_section not in COUNTRY_SECTIONS:
            COUNTRY_SECTIONS.append(country_section)
