"""The filters' options: every town and center, the chosen one selected, every name escaped."""

from app.agenda.filter_options import option_tags

TOWNS = (("crema", "Crema"), ("ca-d-andrea", "Ca' d'Andrea <&>"))
CENTERS = (("oratorio", 'Oratorio "San Luigi"', "crema"), ("biblioteca", "Biblioteca", "ca-d-andrea"))


def test_the_chosen_value_is_selected_and_no_other():
    html = str(option_tags(TOWNS, "ca-d-andrea"))
    assert '<option value="crema">Crema</option>' in html
    assert '<option value="ca-d-andrea" selected>Ca&#39; d&#39;Andrea &lt;&amp;&gt;</option>' in html
    assert html.count(" selected") == 1
    assert " selected" not in str(option_tags(TOWNS, None)) and " selected" not in str(
        option_tags(TOWNS, "x")
    )


def test_a_center_names_its_town_for_the_script():
    html = str(option_tags(CENTERS, "oratorio"))
    assert (
        '<option value="oratorio" data-comune="crema" selected>Oratorio &#34;San Luigi&#34;</option>' in html
    )
    assert '<option value="biblioteca" data-comune="ca-d-andrea">Biblioteca</option>' in html
