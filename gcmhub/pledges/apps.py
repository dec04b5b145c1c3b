from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "gcmhub.pledges"
    verbose_name = "Pledges"

    def ready(self) -> None:
        from gcmhub.pledges.selectors import country_section, mechanism_section, region_pledges
        from gcmhub.registry.selectors import COUNTRY_SECTIONS, MECHANISM_SECTIONS
        from gcmhub.reviews.selectors import SYNTHESIS_EXTRAS

        if country_section not in COUNTRY_SECTIONS:
            COUNTRY_SECTIONS.append(country_section)
        if mechanism_section not in MECHANISM_SECTIONS:
            MECHANISM_SECTIONS.append(mechanism_section)
        # The regional and global syntheses list the pledges of the States in scope.
        SYNTHESIS_EXTRAS["pledges"] = lambda iso3s: region_pledges(iso3s=iso3s)
