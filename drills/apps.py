from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Drills")

    def ready(self):
        from schools import navigation, permissions

        P = permissions
        viewers = {
            P.DISTRICT_ADMIN,
            P.DISTRICT_LEADER,
            P.SCHOOL_ADMIN,
            P.SCHOOL_STAFF,
            P.COUNSELOR,
            P.THREAT_TEAM,
            P.SRO,
        }
        managers = {P.SCHOOL_ADMIN, P.DISTRICT_ADMIN}
        readers_of_exports = {P.DISTRICT_ADMIN, P.DISTRICT_LEADER, P.SCHOOL_ADMIN}
        # Tip triage has nothing in drills; the SRO reads and countersigns, nothing else.
        P.register(
            "drills.drill",
            view=viewers,
            add=managers,
            change=managers,
            delete={P.DISTRICT_ADMIN},
            sign=managers,
            countersign={P.SRO},
            export=readers_of_exports,
            download=readers_of_exports,
        )
        P.register("drills.afteractionreport", view=viewers, add=managers, change=managers)
        P.register("drills.improvementitem", view=viewers, add=managers, change=managers)
        P.register("drills.drillkind", view=viewers, add={P.DISTRICT_ADMIN}, change={P.DISTRICT_ADMIN})
        P.register(
            "drills.drillrequirement",
            view=viewers,
            add={P.DISTRICT_ADMIN},
            change={P.DISTRICT_ADMIN},
            delete={P.DISTRICT_ADMIN},
        )

        navigation.add("Actions", _("Drills"), "drills:drill-list", "drills.drill", order=90)
        navigation.add("Actions", _("Drill compliance"), "drills:compliance", "drills.drill", order=91)
        navigation.add(
            "District",
            _("Drill requirements"),
            "drills:drillrequirement-list",
            "drills.drillrequirement",
            order=70,
        )
        navigation.add("District", _("Drill kinds"), "drills:drillkind-list", "drills.drillkind", order=71)
        navigation.add("Home", _("Drill calendar feed"), "drills:calendar-feed", "drills.drill", order=80)

        from . import integrations

        integrations.register_all()
