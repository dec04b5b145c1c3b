from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "gcmhub.reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from gcmhub.registry.selectors import COUNTRY_SECTIONS, MECHANISM_SECTIONS
        from gcmhub.reviews.selectors import country_section, mechanism_section

        if country_section not in COUNTRY_SECTIONS:
            COUNTRY_SECTIONS.append(country_section)
        if mechanism_section not in MECHANISM_SECTIONS:
            MECHANISM_SECTIONS.append(mechanism_section)

        from gcmhub.evidence.ingest import ATTACHMENT_PROVIDERS
        from gcmhub.reviews.evidence_sources import attachment_sources

        if attachment_sources not in ATTACHMENT_PROVIDERS:
            ATTACHMENT_PROVIDERS.append(attachment_sources)
