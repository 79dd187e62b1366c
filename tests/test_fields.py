from kzmigdesk.services.fields import REQUIRED, clean, clean_lines, field_errors


def test_clean_collapses_blanks_of_one_line_fields():
    assert clean("  ТОО   «Астана   Строй» ") == "ТОО «Астана Строй»"
    assert clean(" \t ") is None
    assert clean(None) is None


def test_clean_lines_keeps_the_lines_of_a_comment():
    assert clean_lines("  first line\n  second  line \n") == "first line\n  second  line"
    assert clean_lines("\n ") is None


def test_field_errors_label_the_field_and_place_it_in_a_list():
    error = field_errors({"number": "Document number"})
    assert error("number", REQUIRED, "documents[1].").field == "documents[1].number"
    assert error("number", REQUIRED).message() == "Document number: is required"
