"""A workbook of table sheets written as XML text: the statistics' 18 sheets, byte for byte the XML XlsxWriter wrote.

XlsxWriter (server.spreadsheets.FastWorkbook) builds an object per sheet with some hundred attributes, a tuple per
cell and writes every part through its general XML writer: 5 of the 7 ms a statistics workbook took in the worker,
for some 600 cells. A table sheet needs a small part of that, so its XML is put together here as text, in the order
and with the escaping XlsxWriter uses, and zipped as XlsxWriter zips (deflate at zlib's default level, each part dated
1 January 1980): the same workbook, its parts equal to XlsxWriter's but for the creation time. One difference by
intent: XlsxWriter copies a text that starts with "<r>" and ends with "</r>" into the file unescaped (it takes it for
rich text); here every text is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from xlsxwriter.theme import THEME_XML_2007

from server.spreadsheets import A4, DIGIT_PIXELS, MAX_WIDTH, WIDE, Column, safe_cell, text_width

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # Excel's own date for the parts of a file
MAX_TEXT = 32767  # UTF-16 units a cell holds; XlsxWriter cuts longer text
CONTROL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")  # text that reads as Excel's escape of a character
CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
BOLD = "bold"

SHEET_START = (
    f'{DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
)
# the header (two rows: caption and column headers) frozen
PANE = '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'
SHEET_END = (
    '<printOptions gridLines="1"/>'
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    f'<pageSetup paperSize="{A4}" fitToHeight="0" orientation="{{}}"/></worksheet>'
)


def column_letters(index: int) -> str:
    """A (0), B, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_text(text: str) -> str:
    """A text as a cell holds it: cut to what a cell takes (32,767 UTF-16 units), as XlsxWriter cuts it."""
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le")) > 2 * MAX_TEXT:
        text = text.encode("utf-16-le")[: 2 * MAX_TEXT].decode("utf-16-le", "ignore")
    return text


def shared_text(text: str) -> str:
    """A <si> element of the shared strings: control characters written as Excel's _xHHHH_ (and text that reads as
    such an escape escaped itself), the spaces at either end kept."""
    if not text.isprintable():  # a control character (or \ufffe, \uffff) to escape; `isprintable` is quicker
        text = CONTROL_ESCAPE.sub(r"_x005F\1", text)
        text = CONTROL.sub(lambda found: f"_x{ord(found.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    elif "_x" in text:
        text = CONTROL_ESCAPE.sub(r"_x005F\1", text)
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<si><t{preserve}>{escape(text)}</t></si>"


def attribute(text: str) -> str:
    return escape(text, {'"': "&quot;", "\n": "&#xA;"})


class TableWorkbook:
    """Table sheets, each as `server.spreadsheets.fill_table_sheet` and `finish_for_print` make it: the caption and
    the header in bold, formula-safe text, number formats, the columns as wide as their text, the header frozen and
    repeated, A4 fitted to the page width (landscape when wide), gridlines printed."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._sheets: list[str] = []
        self._strings: dict[str, int] = {}
        self._string_count = 0
        self._styles: dict[str, int] = {}  # BOLD or a number format: its cell style, numbered in order of first use

    def table_sheet(self, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], caption: str) -> None:
        header = [safe_cell(column.header) for column in columns]
        widths = [text_width(text) for text in header]
        last_column = len(columns) - 1
        letters = [column_letters(column) for column in range(len(columns))]
        cells = [
            [self._text_cell("A1", 0, safe_cell(caption), BOLD)],
            [self._header_cell(f"{letters[column]}2", column, text) for column, text in enumerate(header)],
        ]
        formats = [column.number_format for column in columns]
        for number, row in enumerate(rows, 2):
            written = []
            line = str(number + 1)
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue  # an empty cell, as openpyxl leaves it
                widths[column] = max(widths[column], text_width(value))
                last_column = max(last_column, column)
                if isinstance(value, int | float | Decimal):  # a Decimal's trailing zeros left out, as openpyxl did
                    written.append(self._number_cell(letters[column] + line, column, float(value), formats[column]))
                else:
                    written.append(self._text_cell(letters[column] + line, column, safe_cell(str(value))))
            cells.append(written)
        self._names.append(title[:31])
        self._sheets.append(self._sheet_xml(cells, widths, last_column, len(columns) > WIDE))

    def _text_cell(self, ref: str, column: int, text: str, style: str = "") -> tuple[int, str]:
        """A text cell (`ref` its reference, A1) by its place in the shared strings."""
        text = cell_text(text)
        index = self._strings.setdefault(text, len(self._strings))
        self._string_count += 1
        styled = f' s="{self._style(style)}"' if style else ""
        return column, f'<c r="{ref}"{styled} t="s"><v>{index}</v></c>'

    def _header_cell(self, ref: str, column: int, text: str) -> tuple[int, str]:
        if text == "":  # a blank cell in bold, as XlsxWriter writes ""
            return column, f'<c r="{ref}" s="{self._style(BOLD)}"/>'
        return self._text_cell(ref, column, text, BOLD)

    def _number_cell(self, ref: str, column: int, number: float, number_format: str) -> tuple[int, str]:
        styled = f' s="{self._style(number_format)}"' if number_format else ""
        return column, f'<c r="{ref}"{styled}><v>{number:.16G}</v></c>'

    def _style(self, key: str) -> int:
        return self._styles.setdefault(key, len(self._styles) + 1)  # style 0 is the default

    def _sheet_xml(self, cells: list[list[tuple[int, str]]], widths: list[int], last: int, wide: bool) -> str:
        last_row = max(number for number, written in enumerate(cells) if written)
        spans = {}  # XlsxWriter's row spans: the columns used in each block of 16 rows
        for block in range(0, last_row + 1, 16):
            used = [column for written in cells[block : min(block + 16, last_row + 1)] for column, _ in written]
            if used:
                spans[block // 16] = f"{min(used) + 1}:{max(used) + 1}"
        data = "".join(
            f'<row r="{number + 1}" spans="{spans[number // 16]}">{"".join(xml for _, xml in written)}</row>'
            for number, written in enumerate(cells[: last_row + 1])
            if written
        )
        selected = ' tabSelected="1"' if not self._sheets else ""
        end = f"{column_letters(last)}{last_row + 1}"
        return (
            f'{SHEET_START}<dimension ref="{"A1" if end == "A1" else f"A1:{end}"}"/>'
            f'<sheetViews><sheetView{selected} workbookViewId="0">{PANE}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{self._columns_xml(widths)}</cols>'
            f"<sheetData>{data}</sheetData>{SHEET_END.format('landscape' if wide else 'portrait')}"
        )

    @staticmethod
    def _columns_xml(widths: list[int]) -> str:
        """The columns' widths, neighbours of the same width in one <col> as XlsxWriter writes them."""
        chars = [min(MAX_WIDTH, max(8, width + 2)) for width in widths]  # in widths of a digit (DIGIT_PIXELS each)
        groups: list[list[int]] = []  # [first, last, width]
        for column, width in enumerate(chars):
            if groups and groups[-1][2] == width:
                groups[-1][1] = column
            else:
                groups.append([column, column, width])
        return "".join(
            f'<col min="{first + 1}" max="{last + 1}" width="{width * DIGIT_PIXELS * 256 // DIGIT_PIXELS / 256:.16g}"'
            ' customWidth="1"/>'
            for first, last, width in groups
        )

    def bytes(self) -> bytes:
        buffer = BytesIO()
        with ZipFile(buffer, "w", compression=ZIP_DEFLATED) as package:
            for name, text in self._parts():
                part = ZipInfo(name, ZIP_TIME)
                part.compress_type = ZIP_DEFLATED
                package.writestr(part, text.encode())
        return buffer.getvalue()

    def _parts(self) -> list[tuple[str, str]]:
        """The parts of the package in XlsxWriter's order."""
        count = len(self._sheets)
        return [
            ("[Content_Types].xml", self._content_types()),
            ("_rels/.rels", ROOT_RELATIONSHIPS),
            ("xl/_rels/workbook.xml.rels", self._workbook_relationships()),
            *((f"xl/worksheets/sheet{number}.xml", xml) for number, xml in enumerate(self._sheets, 1)),
            ("xl/workbook.xml", self._workbook()),
            ("xl/sharedStrings.xml", self._shared_strings()),
            ("xl/styles.xml", self._stylesheet()),
            ("xl/theme/theme1.xml", THEME_XML_2007),
            ("docProps/core.xml", CORE.format(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))),
            ("docProps/app.xml", self._app(count)),
        ]

    def _print_titles(self) -> list[tuple[int, str]]:
        """Each sheet's repeated header rows as a defined name, in XlsxWriter's order (by the name's text)."""
        titles = [(index, f"'{name.replace(chr(39), chr(39) * 2)}'!$1:$2") for index, name in enumerate(self._names)]
        return sorted(titles, key=lambda title: title[1].lstrip("'").lower())

    def _content_types(self) -> str:
        overrides = [
            ("/docProps/app.xml", f"{CONTENT_TYPE}.extended-properties+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/xl/styles.xml", f"{CONTENT_TYPE}.spreadsheetml.styles+xml"),
            ("/xl/theme/theme1.xml", f"{CONTENT_TYPE}.theme+xml"),
            ("/xl/workbook.xml", f"{CONTENT_TYPE}.spreadsheetml.sheet.main+xml"),
            *(
                (f"/xl/worksheets/sheet{n}.xml", f"{CONTENT_TYPE}.spreadsheetml.worksheet+xml")
                for n in range(1, len(self._sheets) + 1)
            ),
            ("/xl/sharedStrings.xml", f"{CONTENT_TYPE}.spreadsheetml.sharedStrings+xml"),
        ]
        return (
            f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides)
            + "</Types>"
        )

    def _workbook_relationships(self) -> str:
        targets = [
            *(("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(self._sheets) + 1)),
            ("theme", "theme/theme1.xml"),
            ("styles", "styles.xml"),
            ("sharedStrings", "sharedStrings.xml"),
        ]
        return (
            f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/{kind}" Target="{target}"/>'
                for n, (kind, target) in enumerate(targets, 1)
            )
            + "</Relationships>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{attribute(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(self._names, 1)
        )
        names = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{escape(area)}</definedName>'
            for index, area in self._print_titles()
        )
        return (
            f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            '<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>'
            '<workbookPr defaultThemeVersion="124226"/><bookViews>'
            '<workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
            f'<sheets>{sheets}</sheets><definedNames>{names}</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/>'
            "</workbook>"
        )

    def _shared_strings(self) -> str:
        return (
            f'{DECLARATION}<sst xmlns="{MAIN}" count="{self._string_count}" uniqueCount="{len(self._strings)}">'
            + "".join(shared_text(text) for text in self._strings)
            + "</sst>"
        )

    def _stylesheet(self) -> str:
        codes = [key for key in self._styles if key != BOLD]
        number_formats = {code: 164 + n for n, code in enumerate(codes)}  # the first custom number format is 164
        formats = "".join(
            f'<numFmt numFmtId="{number_formats[code]}" formatCode="{attribute(code)}"/>' for code in codes
        )
        styles = "".join(
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            if key == BOLD
            else f'<xf numFmtId="{number_formats[key]}" fontId="0" fillId="0" borderId="0" xfId="0"'
            ' applyNumberFormat="1"/>'
            for key in self._styles
        )
        font = '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
        fonts = f"<font>{font}</font>" + (f"<font><b/>{font}</font>" if BOLD in self._styles else "")
        return (
            f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(codes)}">{formats}</numFmts>' if codes else "")
            + f'<fonts count="{1 + (BOLD in self._styles)}">{fonts}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{1 + len(self._styles)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            f"{styles}</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
            "</styleSheet>"
        )

    def _app(self, count: int) -> str:
        ranges = [area.split("!")[0] + "!Print_Titles" for _, area in self._print_titles()]
        titles = [*self._names, *ranges]
        return (
            f'{DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
            ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
            '<HeadingPairs><vt:vector size="4" baseType="variant">'
            f"<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{count}</vt:i4></vt:variant>"
            f"<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant><vt:variant><vt:i4>{count}</vt:i4></vt:variant>"
            f'</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="{len(titles)}" baseType="lpstr">'
            + "".join(f"<vt:lpstr>{escape(title)}</vt:lpstr>" for title in titles)
            + "</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate>"
            "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion>"
            "</Properties>"
        )


ROOT_RELATIONSHIPS = (
    f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PACKAGE_RELATIONSHIPS}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
CORE = (
    f"{DECLARATION}<cp:coreProperties"
    ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{0}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{0}</dcterms:modified></cp:coreProperties>'
)
