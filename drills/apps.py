from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Drills")

    def ready(self):
        from schools import permissions

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

        from . import integrations

        integrations.register_all()
