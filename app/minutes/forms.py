"""Forms for writing, reviewing, approving and correcting a verbale."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.common.forms import BaseForm, ItalianDateField, ItalianTimeField
from app.common.text import single_line
from app.groups.forms import AttendanceRow
from app.groups.models import DECISION_LABELS, DecisionKind
from app.minutes.models import MAX_BODY_BYTES, VISIBILITY_LABELS


def body_size(form, field):
    if field.data and len(field.data.encode("utf-8")) > MAX_BODY_BYTES:
        raise ValidationError(_l("Il verbale è troppo lungo: al massimo 200 KB di testo."))


class DecisionRow(BaseForm):
    """The decision on one point of the ordine del giorno."""

    class Meta:
        csrf = False

    point_id = HiddenField()
    kind = SelectField(_l("Decisione"), choices=list(DECISION_LABELS.items()), default=DecisionKind.NONE)
    text = TextAreaField(
        _l("Testo della decisione"), render_kw={"rows": 3},
        validators=[Length(max=5000, message=_l("Al massimo %(max)d caratteri."))],
    )  # fmt: skip

    def validate_text(self, field):
        if self.kind.data != DecisionKind.NONE and not (field.data or "").strip():
            raise ValidationError(_l("Scrivi il testo della decisione."))


class MinutesForm(BaseForm):
    title = StringField(
        _l("Titolo"), filters=[single_line],
        validators=[DataRequired(_l("Scrivi il titolo.")), Length(max=200, message=_l("Al massimo %(max)d caratteri."))],
    )  # fmt: skip
    body = TextAreaField(
        _l("Testo del verbale"), validators=[body_size], render_kw={"rows": 20},
        description=_l("In Markdown: **grassetto**, elenchi con - o 1., titoli con ##. Usa «Anteprima» per vedere il risultato."),
    )  # fmt: skip
    # One row per point of the ordine del giorno (app/minutes/routes_edit.py fills them).
    decisions = FieldList(FormField(DecisionRow), max_entries=200)
    # The revision the editor started from: a save from an older one is a conflict.
    base_revision = HiddenField()
    preview = SubmitField(_l("Anteprima"))
    submit = SubmitField(_l("Salva"))


def fill_decisions(form, meeting) -> None:
    """On a first display, one row per point with its saved decision; a post keeps what was typed."""
    if form.is_submitted():
        return
    while form.decisions.entries:
        form.decisions.pop_entry()
    for point in meeting.points:
        form.decisions.append_entry(
            {"point_id": str(point.id), "kind": point.decision_kind, "text": point.decision}
        )


def decision_values(form, meeting) -> dict:
    """point id -> (kind, text) for the rows that name a point of this meeting."""
    ids = {str(p.id): p.id for p in meeting.points}
    values = {}
    for entry in form.decisions:
        row = entry.form
        if str(row.point_id.data) in ids:
            values[ids[str(row.point_id.data)]] = (row.kind.data or DecisionKind.NONE, row.text.data or "")
    return values


def rows_by_point(form, meeting) -> list:
    """(point, row) for the editor; a point without a posted row gets none."""
    rows = {str(entry.form.point_id.data): entry.form for entry in form.decisions}
    return [(point, rows.get(str(point.id))) for point in meeting.points]


class CorrectionForm(MinutesForm):
    reason = StringField(
        _l("Motivo della rettifica"), filters=[single_line],
        validators=[DataRequired(_l("Scrivi il motivo della rettifica.")), Length(max=500)],
    )  # fmt: skip
    submit = SubmitField(_l("Salva la rettifica"))


class HeaderCorrectionForm(BaseForm):
    """A rettifica of what the approved header says of the meeting: place, hours, attendance."""

    reason = CorrectionForm.reason
    venue = StringField(
        _l("Sede"), filters=[single_line], validators=[DataRequired(_l("Scrivi la sede.")), Length(max=200)]
    )
    start_time = ItalianTimeField(
        _l("Inizio"), validators=[DataRequired(_l("Scrivi un orario valido, ad esempio 16:30."))]
    )
    end_time = ItalianTimeField(
        _l("Fine"), validators=[DataRequired(_l("Scrivi un orario valido, ad esempio 16:30."))]
    )
    rows = FieldList(FormField(AttendanceRow))
    base_version = HiddenField()
    submit = SubmitField(_l("Salva la rettifica"))

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("La fine deve venire dopo l'inizio."))


class CommentForm(BaseForm):
    body = TextAreaField(
        _l("Commento"), validators=[Length(max=5000, message=_l("Al massimo %(max)d caratteri."))]
    )
    approve = SubmitField(_l("Approvo il testo"))
    submit = SubmitField(_l("Invia il commento"))


APPROVAL_METHODS = [
    ("present", _l("Approvato dai presenti (almeno una persona presente ha approvato il testo)")),
    ("session", _l("Approvato nella seduta di un incontro successivo")),
]


class ApproveForm(BaseForm):
    method = RadioField(_l("Come è stato approvato"), choices=APPROVAL_METHODS, default="present")
    session_on = ItalianDateField(_l("Data della seduta (se approvato in seduta)"), validators=[Optional()])
    visibility = SelectField(
        _l("Chi può leggerlo"), choices=list(VISIBILITY_LABELS.items()), default="public"
    )
    submit = SubmitField(_l("Approva e pubblica"))


class SearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Cerca nei verbali"), validators=[DataRequired(), Length(max=200)])


class AttachmentForm(BaseForm):
    file = FileField(
        _l("File da allegare"),
        validators=[FileRequired(_l("Scegli un file."))],
        description=_l("PDF, ODT, DOCX, ODS, XLSX, PNG o JPEG, al massimo 10 MB."),
    )
    submit = SubmitField(_l("Allega"))


class VerifyForm(BaseForm):
    checksum = StringField(
        _l("Impronta SHA-256 del documento"), filters=[lambda v: (v or "").strip().lower()],
        validators=[DataRequired(_l("Scrivi l'impronta.")),
                    Regexp(r"^[0-9a-f]{64}$", message=_l("L'impronta SHA-256 è fatta di 64 caratteri tra 0-9 e a-f."))],
        description=_l("Ad esempio, su Linux: sha256sum verbale.pdf"),
    )  # fmt: skip
    submit = SubmitField(_l("Verifica"))
