def pytest_terminal_summary(terminalreporter):
    """Print the access matrix's size, so the figure can be quoted from any run."""
    from tests.security.test_access_matrix import MATRIX_SIZE

    if MATRIX_SIZE:
        terminalreporter.write_line(
            "access matrix: {routes} routes x {roles} roles = {cells} cells, "
            "{checks} requests checked".format(
                cells=MATRIX_SIZE["routes"] * MATRIX_SIZE["roles"], **MATRIX_SIZE
            )
        )
