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


# --- the economic activity classifier (issue 24) ---------------------------------------------


@dataclass(frozen=True)
class SectorData:
    """A section of the general classifier of economic activities (ОКЭД, GK RK 03-2019, built
    on NACE Rev. 2): its letter and its official names."""

    code: str
    names: dict[str, str]  # language code → name (see kzmigdesk.languages)

    @property
    def id(self) -> uuid.UUID:
        return reference_id("economic_sector", self.code)


SECTORS: tuple[SectorData, ...] = (
    SectorData("A", {"kk": "Ауыл, орман және балық шаруашылығы",
                     "ru": "Сельское, лесное и рыбное хозяйство",
                     "en": "Agriculture, forestry and fishing"}),
    SectorData("B", {"kk": "Тау-кен өндіру өнеркәсібі және карьерлерді қазу",
                     "ru": "Горнодобывающая промышленность и разработка карьеров",
                     "en": "Mining and quarrying"}),
    SectorData("C", {"kk": "Өңдеу өнеркәсібі", "ru": "Обрабатывающая промышленность",
                     "en": "Manufacturing"}),
    SectorData("D", {"kk": "Электр энергиясымен, газбен, бумен, ыстық сумен және ауаны "
                           "кондициялаумен жабдықтау",
                     "ru": "Снабжение электроэнергией, газом, паром, горячей водой и "
                           "кондиционированным воздухом",
                     "en": "Electricity, gas, steam and air conditioning supply"}),
    SectorData("E", {"kk": "Сумен жабдықтау; кәріз жүйесі, қалдықтардың жиналуын және "
                           "таратылуын бақылау",
                     "ru": "Водоснабжение; водоотведение, сбор, обработка и удаление отходов, "
                           "деятельность по ликвидации загрязнений",
                     "en": "Water supply; sewerage, waste management and remediation "
                           "activities"}),
    SectorData("F", {"kk": "Құрылыс", "ru": "Строительство", "en": "Construction"}),
    SectorData("G", {"kk": "Көтерме және бөлшек сауда; автомобильдер мен мотоциклдерді жөндеу",
                     "ru": "Оптовая и розничная торговля; ремонт автомобилей и мотоциклов",
                     "en": "Wholesale and retail trade; repair of motor vehicles and "
                           "motorcycles"}),
    SectorData("H", {"kk": "Көлік және қоймалау", "ru": "Транспорт и складирование",
                     "en": "Transportation and storage"}),
    SectorData("I", {"kk": "Тұру және тамақтану бойынша қызметтер",
                     "ru": "Услуги по проживанию и питанию",
                     "en": "Accommodation and food service activities"}),
    SectorData("J", {"kk": "Ақпарат және байланыс", "ru": "Информация и связь",
                     "en": "Information and communication"}),
    SectorData("K", {"kk": "Қаржы және сақтандыру қызметі",
                     "ru": "Финансовая и страховая деятельность",
                     "en": "Financial and insurance activities"}),
    SectorData("L", {"kk": "Жылжымайтын мүлікпен операциялар",
                     "ru": "Операции с недвижимым имуществом", "en": "Real estate activities"}),
    SectorData("M", {"kk": "Кәсіби, ғылыми және техникалық қызмет",
                     "ru": "Профессиональная, научная и техническая деятельность",
                     "en": "Professional, scientific and technical activities"}),
    SectorData("N", {"kk": "Әкімшілік және қосалқы қызмет көрсету саласындағы қызмет",
                     "ru": "Деятельность в области административного и вспомогательного "
                           "обслуживания",
                     "en": "Administrative and support service activities"}),
    SectorData("O", {"kk": "Мемлекеттік басқару және қорғаныс; міндетті әлеуметтік "
                           "қамсыздандыру",
                     "ru": "Государственное управление и оборона; обязательное социальное "
                           "обеспечение",
                     "en": "Public administration and defence; compulsory social security"}),
    SectorData("P", {"kk": "Білім беру", "ru": "Образование", "en": "Education"}),
    SectorData("Q", {"kk": "Денсаулық сақтау және халыққа әлеуметтік қызмет көрсету",
                     "ru": "Здравоохранение и социальные услуги",
                     "en": "Human health and social work activities"}),
    SectorData("R", {"kk": "Өнер, ойын-сауық және демалыс",
                     "ru": "Искусство, развлечения и отдых",
                     "en": "Arts, entertainment and recreation"}),
    SectorData("S", {"kk": "Басқа да қызмет түрлерін ұсыну",
                     "ru": "Предоставление прочих видов услуг",
                     "en": "Other service activities"}),
    SectorData("T", {"kk": "Үй қызметшілерін жалдайтын және өз тұтынуы үшін тауарлар мен "
                           "қызметтер өндіретін үй шаруашылықтарының қызметі",
                     "ru": "Деятельность домашних хозяйств, нанимающих домашнюю прислугу и "
                           "производящих товары и услуги для собственного потребления",
                     "en": "Activities of households as employers; undifferentiated goods- "
                           "and services-producing activities of households for own use"}),
    SectorData("U", {"kk": "Экстерриториялық ұйымдар мен органдардың қызметі",
                     "ru": "Деятельность экстерриториальных организаций и органов",
                     "en": "Activities of extraterritorial organisations and bodies"}),
)


def sector_key(text: str | None) -> str:
    """A sector's name as compared: case-folded, ё as е, blanks and quotes trimmed, runs of
    blanks as one space."""
    folded = " ".join((text or "").replace("ё", "е").replace("Ё", "Е").casefold().split())
    return folded.strip(" .\"'«»")


def sector_code_for(text: str | None,
                    sectors: tuple[SectorData, ...] = SECTORS) -> str | None:
    """The section whose letter (A … U, or "ОКЭД A") or name in any language `text` is, else
    None. Free text such as "oil and gas" is not guessed: it stays for a person to map."""
    key = sector_key(text)
    if not key:
        return None
    for prefix in ("окэд ", "экқжж ", "nace "):
        key = key.removeprefix(prefix)
    for sector in sectors:
        if key == sector.code.casefold() or key in {sector_key(n) for n in sector.names.values()}:
            return sector.code
    return None
