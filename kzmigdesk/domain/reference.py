"""Reference data: the 17 regions and 3 cities of republican significance of Kazakhstan (since
2022), and the catalogue of adaptation-centre service types.

Names follow the glossary of official terms. Ids are derived from the codes so that every office's
database holds the same keys (needed for exchange between offices).
"""

import uuid
from dataclasses import dataclass

from kzmigdesk.domain.enums import RegionKind

REFERENCE_NAMESPACE = uuid.UUID("6f1c7b0e-3d7a-4b8e-9a51-2f0d9c4e8a10")


def reference_id(kind: str, code: str) -> uuid.UUID:
    """A stable id for reference data, the same in every office's database."""
    return uuid.uuid5(REFERENCE_NAMESPACE, f"{kind}:{code}")


@dataclass(frozen=True)
class RegionData:
    code: str
    kind: RegionKind
    names: dict[str, str]  # language code → name (see kzmigdesk.languages)

    @property
    def id(self) -> uuid.UUID:
        return reference_id("region", self.code)


R, C = RegionKind.REGION, RegionKind.CITY
REGIONS: tuple[RegionData, ...] = (
    RegionData("ABA", R, {"kk": "Абай облысы", "ru": "Абайская область", "en": "Abai Region"}),
    RegionData("AKM", R, {"kk": "Ақмола облысы", "ru": "Акмолинская область",
                          "en": "Akmola Region"}),
    RegionData("AKT", R, {"kk": "Ақтөбе облысы", "ru": "Актюбинская область",
                          "en": "Aktobe Region"}),
    RegionData("ALM", R, {"kk": "Алматы облысы", "ru": "Алматинская область",
                          "en": "Almaty Region"}),
    RegionData("ATY", R, {"kk": "Атырау облысы", "ru": "Атырауская область",
                          "en": "Atyrau Region"}),
    RegionData("VOS", R, {"kk": "Шығыс Қазақстан облысы", "ru": "Восточно-Казахстанская область",
                          "en": "East Kazakhstan Region"}),
    RegionData("ZHA", R, {"kk": "Жамбыл облысы", "ru": "Жамбылская область",
                          "en": "Jambyl Region"}),
    RegionData("ZHE", R, {"kk": "Жетісу облысы", "ru": "Жетысуская область",
                          "en": "Jetisu Region"}),
    RegionData("KAR", R, {"kk": "Қарағанды облысы", "ru": "Карагандинская область",
                          "en": "Karaganda Region"}),
    RegionData("KUS", R, {"kk": "Қостанай облысы", "ru": "Костанайская область",
                          "en": "Kostanay Region"}),
    RegionData("KZY", R, {"kk": "Қызылорда облысы", "ru": "Кызылординская область",
                          "en": "Kyzylorda Region"}),
    RegionData("MAN", R, {"kk": "Маңғыстау облысы", "ru": "Мангистауская область",
                          "en": "Mangystau Region"}),
    RegionData("SEV", R, {"kk": "Солтүстік Қазақстан облысы", "ru": "Северо-Казахстанская область",
                          "en": "North Kazakhstan Region"}),
    RegionData("PAV", R, {"kk": "Павлодар облысы", "ru": "Павлодарская область",
                          "en": "Pavlodar Region"}),
    RegionData("YUZ", R, {"kk": "Түркістан облысы", "ru": "Туркестанская область",
                          "en": "Turkistan Region"}),
    RegionData("ULY", R, {"kk": "Ұлытау облысы", "ru": "Улытауская область",
                          "en": "Ulytau Region"}),
    RegionData("ZAP", R, {"kk": "Батыс Қазақстан облысы", "ru": "Западно-Казахстанская область",
                          "en": "West Kazakhstan Region"}),
    RegionData("AST", C, {"kk": "Астана қаласы", "ru": "город Астана", "en": "Astana"}),
    RegionData("ALA", C, {"kk": "Алматы қаласы", "ru": "город Алматы", "en": "Almaty"}),
    RegionData("SHY", C, {"kk": "Шымкент қаласы", "ru": "город Шымкент", "en": "Shymkent"}),
)


@dataclass(frozen=True)
class ServiceTypeData:
    code: str
    names: dict[str, str]  # language code → name (see kzmigdesk.languages)
    is_accommodation: bool = False
    is_course: bool = False

    @property
    def id(self) -> uuid.UUID:
        return reference_id("service_type", self.code)


SERVICE_TYPES: tuple[ServiceTypeData, ...] = (
    ServiceTypeData("accommodation", {"kk": "Уақытша тұру", "ru": "Временное проживание",
                                      "en": "Temporary accommodation"}, is_accommodation=True),
    ServiceTypeData("kazakh_course", {"kk": "Қазақ тілі курстары", "ru": "Курсы казахского языка",
                                      "en": "Kazakh language course"}, is_course=True),
    ServiceTypeData("russian_course", {"kk": "Орыс тілі курстары", "ru": "Курсы русского языка",
                                       "en": "Russian language course"}, is_course=True),
    ServiceTypeData("legal", {"kk": "Заң кеңесі", "ru": "Юридическая консультация",
                              "en": "Legal consultation"}),
    ServiceTypeData("employment", {"kk": "Жұмысқа орналасуға жәрдемдесу",
                                   "ru": "Содействие в трудоустройстве",
                                   "en": "Employment assistance"}),
    ServiceTypeData("vocational", {"kk": "Кәсіптік оқыту", "ru": "Профессиональное обучение",
                                   "en": "Vocational training"}, is_course=True),
    ServiceTypeData("social_support", {"kk": "Әлеуметтік және психологиялық қолдау",
                                       "ru": "Социальная и психологическая поддержка",
                                       "en": "Social and psychological support"}),
    ServiceTypeData("documents", {"kk": "Құжаттарды ресімдеуге көмек",
                                  "ru": "Помощь в оформлении документов",
                                  "en": "Document assistance"}),
    ServiceTypeData("medical", {"kk": "Медициналық көмекке жолдама",
                                "ru": "Направление на медицинское обслуживание",
                                "en": "Medical referral"}),
    ServiceTypeData("school", {"kk": "Балаларды мектепке орналастыру",
                               "ru": "Устройство детей в школу",
                               "en": "School enrolment of children"}),
)
