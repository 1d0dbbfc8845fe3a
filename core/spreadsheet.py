"""CSV cells that stay text when staff open a file in a spreadsheet."""


def csv_cell(cell):
    """Free text (a name, a rejection reason) must not run as a spreadsheet formula."""
    if cell is None:
        return ""
    if isinstance(cell, str) and len(cell) > 1 and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell
