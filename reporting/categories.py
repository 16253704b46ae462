"""The categories every district's tip form starts with (the district edits, hides and adds to them).

Used by the data migration (districts that exist) and ``TipLineSettings.for_district`` (districts made later).
"""

# (name, Spanish name, life safety)
DEFAULT_CATEGORIES = [
    ("Planned school attack", "Ataque planeado a la escuela", True),
    ("Weapon at school", "Arma en la escuela", True),
    ("Threat of violence", "Amenaza de violencia", True),
    ("Suicide or thoughts of suicide", "Suicidio o pensamientos suicidas", True),
    ("Self-harm", "Autolesiones", True),
    ("Bomb or explosive", "Bomba o explosivo", True),
    ("Fight planned", "Pelea planeada", True),
    ("Abuse at home", "Abuso en el hogar", True),
    ("Sexual assault", "Agresión sexual", True),
    ("Human trafficking", "Trata de personas", True),
    ("Bullying", "Acoso escolar", False),
    ("Cyberbullying", "Ciberacoso", False),
    ("Harassment", "Hostigamiento", False),
    ("Drugs", "Drogas", False),
    ("Alcohol", "Alcohol", False),
    ("Vaping or tobacco", "Vapeo o tabaco", False),
    ("Dating violence", "Violencia en el noviazgo", False),
    ("Sexting or sharing images", "Sexting o imágenes compartidas", False),
    ("Depression or anxiety", "Depresión o ansiedad", False),
    ("Eating disorder", "Trastorno alimentario", False),
    ("Gang activity", "Actividad de pandillas", False),
    ("Theft", "Robo", False),
    ("Vandalism", "Vandalismo", False),
    ("Discrimination or hate", "Discriminación u odio", False),
    ("Stranger or trespasser", "Persona desconocida o intrusa", False),
    ("Unsafe building or grounds", "Edificio o terreno inseguro", False),
    ("Cheating", "Trampa académica", False),
    ("Other", "Otro", False),
]


def ensure_categories(district, model=None) -> int:
    """Add the default categories a district does not have (by name); returns how many were added."""
    if model is None:
        from reporting.models import TipCategory as model
    have = set(model.objects.filter(district=district).values_list("name", flat=True))
    rows = [model(district=district, name=name, name_es=name_es, life_safety=life_safety, order=10 * (i + 1))
            for i, (name, name_es, life_safety) in enumerate(DEFAULT_CATEGORIES) if name not in have]
    model.objects.bulk_create(rows)
    return len(rows)
