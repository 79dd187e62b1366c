"""Per-user settings kept in a small JSON file in the user's configuration folder."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kzmigdesk import languages
from kzmigdesk.paths import user_config_dir


@dataclass
class Settings:
    language: str = languages.DEFAULT_LANGUAGE
    # Printed forms: "" follows the interface language; "kk", "ru", "en" or "kk+ru" (bilingual).
    document_language: str = ""
    # The letterhead of printed documents.
    office_name: str = ""
    office_address: str = ""  # up to three lines
    office_logo: str = ""  # path of a PNG or JPEG image
    # The columns the user hid (msgids), per list; a list not named hides its minor columns.
    hidden_columns: dict[str, list[str]] = field(default_factory=dict)


def settings_path() -> Path:
    return user_config_dir() / "settings.json"


def load_settings() -> Settings:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    settings = Settings(**{k: v for k, v in data.items() if k in Settings.__dataclass_fields__})
    if settings.language not in languages.LANGUAGES:
        settings.language = languages.DEFAULT_LANGUAGE
    return settings


def save_settings(settings: Settings) -> None:
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
