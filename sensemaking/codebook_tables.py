"""The codebook as a table: CSV and Excel out, CSV in, with the columns name, description,
colour and parent (the parent theme's name), for people who keep codes in a spreadsheet."""

import csv
import io
from typing import TextIO

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sensemaking.exports import _cell, _styled
from sensemaking.models import Theme
from sensemaking.refiqda import (
    MAX_CODEBOOK_BYTES,
    MAX_THEME_NAME,
    Code,
    ImportResult,
    add_codes,
    hex_colour,
)
from sensemaking.workshop_exports import theme_tree
from stories.models import Project
from stories.text import FORMULA_STARTS, is_readable, normalise_name

COLUMNS = (("name", 30), ("description", 60), ("colour", 10), ("parent", 30))
HEADINGS = [heading for heading, _ in COLUMNS]
MAX_ROWS = 5000
# Errors listed at once before the list is cut short, so a wrong file does not flood the page.
MAX_ERRORS = 20


def codebook_rows(project: Project) -> list[list[str]]:
    """Return the project's themes in codebook order, each parent before its sub-themes."""
    themes = list(Theme.objects.filter(project=project).select_related("parent"))
    return [
        [
            _cell(theme.name),
            _cell(theme.description),
            theme.colour,
            _cell(theme.parent.name) if theme.parent_id and depth else "",
        ]
        for theme, depth in theme_tree(themes, None)
    ]


def codebook_csv(project: Project, out: TextIO) -> None:
    """Write the codebook as CSV, starting with a byte order mark so that Excel reads UTF-8."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    writer.writerows(codebook_rows(project))


def codebook_xlsx(project: Project) -> bytes:
    """Return the codebook as an Excel workbook with the same columns as the CSV."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Codebook")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_styled(sheet, heading, font=bold) for heading in HEADINGS])
    for row in codebook_rows(project):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _value(text: str | None) -> str:
    """Undo the apostrophe that kept a formula-like value from running, as our export adds."""
    text = (text or "").strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _text_of(data: bytes) -> str:
    if not data or not data.strip():
        raise ValidationError("The file is empty. Choose a CSV file with a row for each theme.")
    if len(data) > MAX_CODEBOOK_BYTES:
        raise ValidationError("The file is larger than 5 MB, which is too big for a codebook.")
    if data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            "This is a ZIP file, such as an Excel workbook or a REFI-QDA project, not CSV. "
            "In Excel choose File › Save As › CSV UTF-8, and upload that."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            "The file is not UTF-8 text. In Excel choose File › Save As › CSV UTF-8 "
            "(Comma delimited), and upload that."
        ) from error


def read_codebook_csv(data: bytes) -> tuple[list[dict], list[str]]:
    """Parse and check a CSV codebook; return its good rows as dicts and each bad row's problem.

    Raise ValidationError if the file as a whole can't be read as a codebook.
    """
    text = _text_of(data)
    first_line = text.splitlines()[0] if text.splitlines() else ""
    # Excel saves "CSV" with semicolons where the decimal mark is a comma.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [normalise_name(cell).lower() for cell in next(reader, [])]
        header = ["colour" if cell == "color" else cell for cell in header]
        if "name" not in header:
            raise ValidationError(
                "The first row must name the columns: name, description, colour and parent "
                "(only name is needed)."
            )
        rows, errors = [], []
        for cells in reader:
            if len(rows) >= MAX_ROWS:
                raise ValidationError(f"The file has more than {MAX_ROWS} themes.")
            if not any(cell.strip() for cell in cells):
                continue
            values = dict(zip(header, cells, strict=False))
            row = _check_row(reader.line_num, values, errors)
            if row:
                rows.append(row)
    except csv.Error as error:
        raise ValidationError(
            f"The file is not readable CSV (line {reader.line_num}: {error})."
        ) from error
    _check_names(rows, errors)
    if not rows and not errors:
        raise ValidationError("The file has no themes in it, so there is nothing to import.")
    return rows, errors


def _refuse(errors: list[str]) -> None:
    shown = errors[:MAX_ERRORS]
    if len(errors) > MAX_ERRORS:
        shown.append(f"And {len(errors) - MAX_ERRORS} more problems. Nothing was imported.")
    raise ValidationError(shown)


def _check_row(line: int, values: dict, errors: list[str]) -> dict | None:
    raw = {key: _value(values.get(key)) for key in HEADINGS}
    if not all(is_readable(value) for value in raw.values()):
        errors.append(f"Row {line}: it holds characters that are not text, such as control codes.")
        return None
    name, parent = normalise_name(raw["name"]), normalise_name(raw["parent"])
    if not name:
        errors.append(f"Row {line}: the name is empty. Every theme needs a name.")
        return None
    if len(name) > MAX_THEME_NAME:
        errors.append(
            f"Row {line}: the name “{name[:40]}…” has {len(name)} characters; theme names can "
            f"have at most {MAX_THEME_NAME}."
        )
        return None
    colour = hex_colour(raw["colour"])
    if raw["colour"] and colour is None:
        errors.append(
            f"Row {line}: the colour “{raw['colour'][:20]}” is not a hex colour such as "
            "#1d4f7a. Leave it empty for the usual colour."
        )
    if parent.casefold() == name.casefold():
        errors.append(f"Row {line}: “{name}” can’t be its own parent.")
        return None
    return {
        "line": line,
        "name": name,
        "description": raw["description"],
        "colour": colour,
        "parent": parent,
    }


def _check_names(rows: list[dict], errors: list[str]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        key = row["name"].casefold()
        if key in seen:
            errors.append(
                f"Row {row['line']}: “{row['name']}” is also on row {seen[key]}; "
                "each theme can be listed once."
            )
        seen.setdefault(key, row["line"])


def import_codebook_csv(*, project: Project, data: bytes, by) -> ImportResult:
    """Add a CSV codebook's themes to the project, under the parents it names.

    A parent may be another row or a theme already in the project. Raise ValidationError
    listing every bad row, changing nothing.
    """
    rows, errors = read_codebook_csv(data)
    codes = {
        row["name"].casefold(): Code(
            name=row["name"], colour=row["colour"], description=row["description"]
        )
        for row in rows
    }
    existing = {theme.name.casefold(): theme for theme in Theme.objects.filter(project=project)}
    top: list[tuple[Code, Theme | None]] = []
    orphans: set[int] = set()
    for row in rows:
        code, parent = codes[row["name"].casefold()], row["parent"].casefold()
        if not parent:
            top.append((code, None))
        elif parent in codes:
            codes[parent].children.append(code)
        elif parent in existing:
            top.append((code, existing[parent]))
        else:
            orphans.add(row["line"])
            errors.append(
                f"Row {row['line']}: the parent “{row['parent']}” is neither a row of the file "
                "nor a theme of the project."
            )
    reached: set[int] = set()
    pending = [code for code, _parent in top]
    while pending:
        code = pending.pop()
        if id(code) not in reached:  # a name listed twice can make a loop through itself
            reached.add(id(code))
            pending.extend(code.children)
    looped = [
        str(row["line"])
        for row in rows
        if id(codes[row["name"].casefold()]) not in reached and row["line"] not in orphans
    ]
    if looped:
        errors.append(
            f"Row{'s' if len(looped) > 1 else ''} {', '.join(looped)}: the parents go round in "
            "a loop, so none of them is at the top. Leave the parent of one of them empty."
        )
    if errors:
        _refuse(errors)
    return add_codes(project=project, codes=top, by=by, source="CSV codebook")
