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
    name_en: str
    name_ru: str
    name_kk: str

    @property
    def id(self) -> uuid.UUID:
        return reference_id("region", self.code)


R, C = RegionKind.REGION, RegionKind.CITY
REGIONS: tuple[RegionData, ...] = (
    RegionData("ABA", R, "Abai Region", "Абайская область", "Абай облысы"),
    RegionData("AKM", R, "Akmola Region", "Акмолинская область", "Ақмола облысы"),
    RegionData("AKT", R, "Aktobe Region", "Актюбинская область", "Ақтөбе облысы"),
    RegionData("ALM", R, "Almaty Region", "Алматинская область", "Алматы облысы"),
    RegionData("ATY", R, "Atyrau Region", "Атырауская область", "Атырау облысы"),
    RegionData("VOS", R, "East Kazakhstan Region", "Восточно-Казахстанская область",
               "Шығыс Қазақстан облысы"),
    RegionData("ZHA", R, "Jambyl Region", "Жамбылская область", "Жамбыл облысы"),
    RegionData("ZHE", R, "Jetisu Region", "Жетысуская область", "Жетісу облысы"),
    RegionData("KAR", R, "Karaganda Region", "Карагандинская область", "Қарағанды облысы"),
    RegionData("KUS", R, "Kostanay Region", "Костанайская область", "Қостанай облысы"),
    RegionData("KZY", R, "Kyzylorda Region", "Кызылординская область", "Қызылорда облысы"),
    RegionData("MAN", R, "Mangystau Region", "Мангистауская область", "Маңғыстау облысы"),
    RegionData("SEV", R, "North Kazakhstan Region", "Северо-Казахстанская область",
               "Солтүстік Қазақстан облысы"),
    RegionData("PAV", R, "Pavlodar Region", "Павлодарская область", "Павлодар облысы"),
    RegionData("YUZ", R, "Turkistan Region", "Туркестанская область", "Түркістан облысы"),
    RegionData("ULY", R, "Ulytau Region", "Улытауская область", "Ұлытау облысы"),
    RegionData("ZAP", R, "West Kazakhstan Region", "Западно-Казахстанская область",
               "Батыс Қазақстан облысы"),
    RegionData("AST", C, "Astana", "город Астана", "Астана қаласы"),
    RegionData("ALA", C, "Almaty", "город Алматы", "Алматы қаласы"),
    RegionData("SHY", C, "Shymkent", "город Шымкент", "Шымкент қаласы"),
)


@dataclass(frozen=True)
class ServiceTypeData:
    code: str
    name_en: str
    name_ru: str
    name_kk: str
    is_accommodation: bool = False
    is_course: bool = False

    @property
    def id(self) -> uuid.UUID:
        return reference_id("service_type", self.code)


SERVICE_TYPES: tuple[ServiceTypeData, ...] = (
    ServiceTypeData("accommodation", "Temporary accommodation", "Временное проживание",
                    "Уақытша тұру", is_accommodation=True),
    ServiceTypeData("kazakh_course", "Kazakh language course", "Курсы казахского языка",
                    "Қазақ тілі курстары", is_course=True),
    ServiceTypeData("russian_course", "Russian language course", "Курсы русского языка",
                    "Орыс тілі курстары", is_course=True),
    ServiceTypeData("legal", "Legal consultation", "Юридическая консультация", "Заң кеңесі"),
    ServiceTypeData("employment", "Employment assistance", "Содействие в трудоустройстве",
                    "Жұмысқа орналасуға жәрдемдесу"),
    ServiceTypeData("vocational", "Vocational training", "Профессиональное обучение",
                    "Кәсіптік оқыту", is_course=True),
    ServiceTypeData("social_support", "Social and psychological support",
                    "Социальная и психологическая поддержка",
                    "Әлеуметтік және психологиялық қолдау"),
    ServiceTypeData("documents", "Document assistance", "Помощь в оформлении документов",
                    "Құжаттарды ресімдеуге көмек"),
    ServiceTypeData("medical", "Medical referral", "Направление на медицинское обслуживание",
                    "Медициналық көмекке жолдама"),
    ServiceTypeData("school", "School enrolment of children", "Устройство детей в школу",
                    "Балаларды мектепке орналастыру"),
)
