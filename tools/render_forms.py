"""Render the printable forms on a small demo database and save page 1 of each as a picture
in docs/forms, to look at them:

    python tools/render_forms.py [--keep-pdf FOLDER]

Each form, and the monthly summary of last month, is printed in Kazakh and Russian together
(`*-kk-ru.png`) and in Kazakh, under a sample office profile (with a logo) as a clerk prints
them: the outgoing documents take register numbers. The PDFs go to a temporary folder (or
FOLDER) and the PNGs, in 64 colours to stay small, to docs/forms.
"""

import argparse
import datetime as dt
import io
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from kzmigdesk.demo import generate_demo_data
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import (
    AdaptationCentre,
    CaseStatusChange,
    HouseholdMember,
    IdentityDocument,
    Person,
    Region,
    RepatriateCase,
    ServiceType,
    User,
    WorkPermit,
)
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing import forms
from kzmigdesk.printing.monthly import summary_pdf
from kzmigdesk.services import office_profile, prints
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.quotas import QuotaKind
from kzmigdesk.services.reports import monthly_summary
from kzmigdesk.services.users import actor_of
from kzmigdesk.services.workspace import open_database

OUT = Path(__file__).resolve().parent.parent / "docs" / "forms"
SCALE = 1.3


def sample_logo() -> bytes:
    """A plain round emblem standing in for the office's logo."""
    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), fill=(0, 156, 196, 255))
    draw.ellipse((70, 50, 170, 150), fill=(254, 197, 2, 255))
    for x in range(40, 200, 24):
        draw.line((x, 180, x + 12, 205), fill=(254, 197, 2, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def sample_profile(database, region_id):
    """An Almaty office's profile (the demo's own office's), for the letterhead of every
    form; its office's id."""
    admin = database.acting_as(Actor("admin", UserRole.ADMINISTRATOR))
    return office_profile.save_profile(admin, office_profile.ProfileInput(
        names={"kk": "Алматы қаласы Көші-қон қызметі басқармасы",
               "ru": "Управление миграционной службы города Алматы"},
        addresses={"kk": "050000, Алматы қ., Абай даңғылы, 150",
                   "ru": "050000, г. Алматы, проспект Абая, 150"},
        head_positions={"kk": "Басқарма басшысы", "ru": "Начальник управления"},
        head_names={"kk": "Ә. Б. Сейітқұлов", "ru": "А. Б. Сейткулов"},
        bin="150340000713", phone="+7 727 254 00 00", logo=sample_logo(),
        register_pattern="15-12/{n}", code="ALA-DOCS", region_id=region_id)).office_id


def sample_photo() -> bytes:
    """A grey head-and-shoulders silhouette, 3 by 4, as a stand-in for a person's photo."""
    image = Image.new("RGB", (300, 400), (222, 228, 234))
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill=(120, 130, 140))
    draw.ellipse((40, 200, 260, 460), fill=(120, 130, 140))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def pick(session) -> dict:
    """The demo records whose forms show the most: a kandas with documents, the case with the
    largest household and history, the employer with the most permits, a centre."""
    documents = (select(IdentityDocument.person_id, func.count().label("n"))
                 .group_by(IdentityDocument.person_id).subquery())
    person = session.scalars(
        select(Person).join(documents, documents.c.person_id == Person.id)
        .where(Person.category == "kandas", Person.iin.is_not(None),
               Person.patronymic.is_not(None))
        .order_by(documents.c.n.desc(), Person.sort_name).limit(1)).one()
    members = (select(HouseholdMember.household_id, func.count().label("n"))
               .group_by(HouseholdMember.household_id).subquery())
    changes = (select(CaseStatusChange.case_id, func.count().label("n"))
               .group_by(CaseStatusChange.case_id).subquery())
    case = session.scalars(
        select(RepatriateCase)
        .join(members, members.c.household_id == RepatriateCase.household_id)
        .join(changes, changes.c.case_id == RepatriateCase.id)
        .order_by((members.c.n + changes.c.n).desc(), RepatriateCase.case_number)
        .limit(1)).one()
    employer_id = session.scalars(
        select(WorkPermit.employer_id).group_by(WorkPermit.employer_id)
        .order_by(func.count().desc(), WorkPermit.employer_id).limit(1)).one()
    centre = session.scalars(select(AdaptationCentre).order_by(AdaptationCentre.name)).first()
    service = session.scalars(select(ServiceType).where(ServiceType.code == "kazakh_course")
                              ).one()
    return dict(person=person, case=case, employer_id=employer_id, centre=centre,
                service=service)


def render_all(database, words: Words, letterhead, today: dt.date, suffix: str) -> dict:
    """Every form in `words`, the outgoing ones with their register numbers taken."""

    def numbered(session, data):
        return prints.numbered(session, data)

    with database.transaction() as session:
        chosen = pick(session)
        chosen["person"].photo = sample_photo()
        session.flush()
        person_id = chosen["person"].id
        granted = session.scalars(
            select(RepatriateCase).where(RepatriateCase.certificate_number.is_not(None))
            .order_by(RepatriateCase.case_number).limit(1)).one()
        permit = session.scalars(select(WorkPermit).where(
            WorkPermit.status == "issued", WorkPermit.valid_to >= today)
            .order_by(WorkPermit.number).limit(1)).one()
        gathered = {
            "person-card": prints.person_card(session, person_id, today=today),
            "case-summary": prints.case_summary(session, chosen["case"].id, today=today),
            "employer-permits": prints.employer_permits_extract(
                session, chosen["employer_id"], today=today),
            "referral-letter": prints.referral_letter(
                session, person_id,
                addressee="«Қазақ тілі» оқу орталығы ЖШС,\nдиректор Һ. Ғ. Өмірзақовқа",
                purpose="Қазақ тілін үйрену курсына (А2 деңгейі) жазылу.",
                service_type_id=chosen["service"].id,
                centre_id=chosen["centre"].id if chosen["centre"] else None, today=today),
            "quota-labour": prints.quota_statement(session, QuotaKind.LABOUR, today.year,
                                                   today=today),
            "quota-kandas": prints.quota_statement(session, QuotaKind.KANDAS, today.year,
                                                   today=today),
            "work-permit": prints.work_permit(session, permit.id, today=today),
            "kandas-certificate": prints.kandas_certificate(session, granted.id, today=today),
        }
        render = {
            "person-card": forms.person_card, "case-summary": forms.case_summary,
            "employer-permits": forms.employer_permits_extract,
            "referral-letter": forms.referral_letter, "quota-labour": forms.quota_statement,
            "quota-kandas": forms.quota_statement, "work-permit": forms.work_permit,
            "kandas-certificate": forms.kandas_certificate}
        documents = {f"{name}-{suffix}": render[name](numbered(session, data), words,
                                                      letterhead)
                     for name, data in gathered.items()}
        documents[f"outgoing-register-{suffix}"] = forms.register_journal(
            prints.register_journal(session, today.year, today=today), words, letterhead)
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        summary = monthly_summary(session, last_month, words, today=today)
        documents[f"monthly-summary-{suffix}"] = summary_pdf(summary, words, letterhead)
    return documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-pdf", type=Path, help="save the PDFs in this folder")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        pdf_folder = args.keep_pdf or folder
        pdf_folder.mkdir(parents=True, exist_ok=True)
        database = open_database(str(folder / "demo.sqlite3"), create=True)
        try:
            generate_demo_data(database, persons=300, today=today)
            with database.sessions() as session:
                region_id = session.scalars(select(Region.id).where(Region.code == "ALA")).one()
            office_id = sample_profile(database, region_id)
            with database.sessions() as session:  # its supervisor prints
                database.actor = actor_of(session.scalars(select(User).where(
                    User.role == UserRole.SUPERVISOR, User.office_id == office_id)).first())
            letterhead = office_profile.letterhead(database)
            documents = {}
            for code in ("kk+ru", "kk"):
                documents.update(render_all(database, Words.of(code), letterhead, today,
                                            code.replace("+", "-")))
        finally:
            database.close()
        for name, pdf in documents.items():
            (pdf_folder / f"{name}.pdf").write_bytes(pdf)
            document = pypdfium2.PdfDocument(pdf)
            try:
                picture = document[0].render(scale=SCALE).to_pil().convert("RGB")
                picture.quantize(64).save(OUT / f"{name}.png", optimize=True)
                pages = len(document)
            finally:
                document.close()
            print(f"{name}: {pages} page(s), {len(pdf) // 1024} KiB -> docs/forms/{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
