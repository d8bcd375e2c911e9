"""The page and styles of every Word file corpro writes: A4, own styles, numbered pages, contents.

python-docx starts from a US Letter template whose styles take Calibri and Cambria from its theme;
a charity printing the report on A4 would have to fix each. Here every style names its font,
size and colour itself (the theme no longer decides), headings stay with what follows them, tables
keep their rows whole, and the footer numbers the pages. The contents is a real Word field whose
result, one line linked to each heading, is written in, so it reads the same in Word and
LibreOffice without updating fields (Word would ask as the file opens); updating it (Word's
Update Field, LibreOffice's Tools > Update > Update All) adds page numbers for the layout then.
"""

import copy
import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Arial, which every office suite has or substitutes with the same widths (Liberation Sans).
FONT = "Arial"
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
ACCENT = RGBColor(0x1D, 0x70, 0xB8)  # the charts' blue
MUTED = RGBColor(0x50, 0x5A, 0x5F)
# (style, size in points, bold, colour, space before, space after in points)
STYLES = (
    ("Normal", 11, False, TEXT, 0, 6),
    ("Title", 26, True, TEXT, 0, 6),
    ("Subtitle", 13, False, MUTED, 0, 12),
    ("TOC Heading", 16, True, TEXT, 12, 6),
    ("Heading 1", 18, True, ACCENT, 18, 6),
    ("Heading 2", 14, True, TEXT, 12, 4),
    ("Heading 3", 12, True, TEXT, 10, 3),
    ("Quote", 11, False, TEXT, 4, 8),
    ("Caption", 9, False, MUTED, 2, 8),
)
CONTENTS_LEVELS = 2  # Heading 1 and Heading 2 are listed in the contents
THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def new_document() -> Document:
    """Return an empty A4 document with corpro's styles and numbered pages."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    section.header_distance = section.footer_distance = Mm(10)
    _set_styles(document)
    _number_pages(section)
    return document


def text_width(document):
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _own_fonts(element) -> None:
    """Make a run-properties element name FONT for every script, not the theme's fonts."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for attribute in THEME_FONTS:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _set_styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _own_fonts(defaults)
    for name, size, bold, colour, before, after in STYLES:
        style = styles[name]
        style.font.name = FONT
        _own_fonts(style.element.get_or_add_rPr())
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = name == "Quote"
        style.font.color.rgb = colour
        paragraph = style.paragraph_format
        paragraph.space_before, paragraph.space_after = Pt(before), Pt(after)
        paragraph.line_spacing = 1.15
        if name.startswith("Heading") or name in ("Title", "TOC Heading"):
            paragraph.keep_with_next = True
    quote = styles["Quote"].paragraph_format
    quote.left_indent = quote.right_indent = Mm(8)
    quote.keep_together = True
    for level in range(1, CONTENTS_LEVELS + 1):
        name = f"TOC {level}"
        if name not in [style.name for style in styles]:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.paragraph_format.left_indent = Mm(6 * (level - 1))
            style.paragraph_format.space_after = Pt(2)


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """Add a Word field (PAGE, NUMPAGES, PAGEREF ...) to the paragraph, showing `shown` until
    it is updated."""
    _field_start(paragraph, instruction)
    if shown:
        paragraph.add_run(shown)
    _field_end(paragraph)


def _field_start(paragraph, instruction: str) -> None:
    begin, code, separate = (paragraph.add_run() for _ in range(3))
    begin._r.append(_element("w:fldChar", {"w:fldCharType": "begin"}))
    text = _element("w:instrText", {"xml:space": "preserve"})
    text.text = f" {instruction} "
    code._r.append(text)
    separate._r.append(_element("w:fldChar", {"w:fldCharType": "separate"}))


def _field_end(paragraph) -> None:
    paragraph.add_run()._r.append(_element("w:fldChar", {"w:fldCharType": "end"}))


def _element(tag: str, attributes: dict[str, str]):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    return element


def _number_pages(section) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")


class Headings:
    """Add headings with bookmarks, so the contents can link to them once they are all written."""

    def __init__(self, document):
        self.document = document
        self.listed: list[tuple[int, str, str]] = []  # (level, text, bookmark)

    def add(self, text: str, level: int):
        heading = self.document.add_heading(text, level=level)
        if level <= CONTENTS_LEVELS:
            bookmark = f"_Toc{len(self.listed) + 1:06}"
            number = str(len(self.listed) + 1)
            heading._p.insert(1, _element("w:bookmarkStart", {"w:id": number, "w:name": bookmark}))
            heading._p.append(_element("w:bookmarkEnd", {"w:id": number}))
            self.listed.append((level, text, bookmark))
        return heading

    def contents_after(self, anchor) -> None:
        """Write the contents field after the paragraph `anchor`, one linked line per heading.

        No page numbers: only a layout knows them, and a line waiting for one shows a dotted
        leader to nothing.
        """
        if not self.listed:
            return
        lines = []
        for index, (level, text, bookmark) in enumerate(self.listed):
            line = self.document.add_paragraph(style=f"TOC {level}")
            if index == 0:
                _field_start(line, f'TOC \\o "1-{CONTENTS_LEVELS}" \\h \\z \\u')
            link = _element("w:hyperlink", {"w:anchor": bookmark, "w:history": "1"})
            link.append(line.add_run(text)._r)
            line._p.append(link)
            lines.append(line)
        _field_end(lines[-1])
        for line in reversed(lines):
            anchor._p.addnext(line._p)


def add_picture(document, png: bytes, *, width_points: int, title: str, description: str) -> None:
    """Add a picture as wide as drawn (or the text), with alternative text for screen readers."""
    width = min(Pt(width_points), text_width(document))
    document.add_picture(io.BytesIO(png), width=width)
    picture = document.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.LEFT
    picture.paragraph_format.keep_with_next = True
    properties = picture._p.xpath(".//wp:docPr")[0]
    properties.set("title", title)
    properties.set("descr", description)


LOGO_HEIGHT = Mm(18)
LOGO_WIDEST = Mm(50)


def add_logo(paragraph, png: bytes, *, description: str) -> None:
    """Add a logo to a row of logos: all as tall, none wider than the others' room."""
    from PIL import Image  # only logos need their size read

    width, height = Image.open(io.BytesIO(png)).size
    run = paragraph.add_run()
    if LOGO_HEIGHT * width / height > LOGO_WIDEST:
        run.add_picture(io.BytesIO(png), width=LOGO_WIDEST)
    else:
        run.add_picture(io.BytesIO(png), height=LOGO_HEIGHT)
    properties = run._r.xpath(".//wp:docPr")[0]
    properties.set("title", description)
    properties.set("descr", description)


def align_numbers(table, columns: set[int]) -> None:
    """Right-align the given columns of a table, heading included, as figures are read."""
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if index in columns:
                for paragraph in cell.paragraphs:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


# What may follow w:cantSplit in a row's properties (ECMA-376 CT_TrPr), in order.
AFTER_CANT_SPLIT = (
    "w:trHeight",
    "w:tblHeader",
    "w:tblCellSpacing",
    "w:jc",
    "w:hidden",
    "w:ins",
    "w:del",
    "w:trPrChange",
)


def keep_rows_whole(table, *, with_next: bool = True) -> None:
    """Keep each row of the table on one page and, `with_next`, each with the row after it.

    So a table shorter than a page is not broken; a longer one breaks between rows. The first
    row, the headings, always stays with the row after it.
    """
    rows = table.rows
    for number, row in enumerate(rows):
        properties = row._tr.get_or_add_trPr()
        if properties.find(qn("w:cantSplit")) is None:
            properties.insert_element_before(OxmlElement("w:cantSplit"), *AFTER_CANT_SPLIT)
        if number < len(rows) - 1 and (with_next or number == 0):
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def add_link(paragraph, url: str, text: str) -> None:
    """Add a hyperlink to `url` showing `text`, underlined in the link colour."""
    part = paragraph.part
    relation = part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = _element("w:hyperlink", {"r:id": relation})
    run = paragraph.add_run(text)
    run.font.underline = True
    run.font.color.rgb = ACCENT
    link.append(run._r)
    paragraph._p.append(link)


def set_columns(document, count: int) -> None:
    """End the section at the last paragraph; what follows, on the same page, has `count` columns.

    Word keeps a section's settings in its last paragraph, so no empty paragraph is added.
    """
    body = document.element.body
    ending = copy.deepcopy(body.sectPr)
    document.paragraphs[-1]._p.get_or_add_pPr().append(ending)
    start = body.sectPr.find(qn("w:type"))
    if start is None:
        start = OxmlElement("w:type")
        body.sectPr.insert_element_before(start, "w:pgSz")
    start.set(qn("w:val"), "continuous")
    for reference in body.sectPr.findall(qn("w:titlePg")):
        body.sectPr.remove(reference)
    cols = body.sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        body.sectPr.insert_element_before(
            cols, "w:formProt", "w:vAlign", "w:noEndnote", "w:textDirection", "w:docGrid"
        )
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), "360")
