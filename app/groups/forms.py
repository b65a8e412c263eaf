"""Forms for groups, members, meetings, attendance, action items and exports."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)  # fmt: skip
from wtforms.validators import AnyOf, DataRequired, Email, Length, NumberRange, Optional

from app.calendar.forms import RecurrenceForm
from app.calendar.occurrences import Frequency
from app.common.forms import BaseForm, ItalianDateField, ItalianTimeField, text_area
from app.common.text import single_line
from app.groups.models import (
    ACTION_STATUS_LABELS,
    ATTENDANCE_LABELS,
    GROUP_ROLE_LABELS,
    MAX_POINT_MINUTES,
    MAX_POINTS,
    QUORUM_LABELS,
)
from app.groups.points import PointValues
from app.platform.versioning import VersionForm

SHORT = Length(max=120, message=_l("Al massimo %(max)d caratteri."))


class GroupForm(VersionForm, BaseForm):
    name = StringField(
        _l("Nome del gruppo"), filters=[single_line], validators=[DataRequired(_l("Scrivi il nome.")), SHORT]
    )
    description = text_area(_l("Descrizione"), 10000, _l("Puoi usare Markdown."))
    town_id = SelectField(_l("Comune (facoltativo)"), coerce=int, validate_choice=False)
    district = StringField(
        _l("Ambito o quartiere (facoltativo)"), filters=[single_line], validators=[Length(max=80)]
    )
    quorum_rule = SelectField(_l("Numero legale"), choices=list(QUORUM_LABELS.items()), default="majority")
    quorum_number = IntegerField(
        _l("Membri presenti necessari (se il numero è fisso)"),
        validators=[Optional(), NumberRange(min=1, max=500, message=_l("Scrivi un numero tra 1 e 500."))],
    )
    submit = SubmitField(_l("Salva"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.quorum_rule.data == "fixed" and not self.quorum_number.data and not self.quorum_number.errors:
            self.quorum_number.errors = [
                *self.quorum_number.errors,
                _l("Con un numero fisso, scrivi quanti membri servono."),
            ]
            return False
        return valid


START_ON = _l("Nel gruppo dal")
START_HELP = _l("Il primo giorno in cui conta per il numero legale. Vuoto: da sempre.")


class MemberForm(BaseForm):
    email = StringField(
        _l("E-mail della persona"),
        validators=[DataRequired(_l("Scrivi l'e-mail.")), Email(_l("Scrivi un indirizzo e-mail valido."))],
        description=_l("Se non ha ancora un account, riceverà un invito per crearlo."),
    )
    name = StringField(
        _l("Nome e cognome"),
        filters=[single_line],
        validators=[Optional(), SHORT],
        description=_l(
            "Il nome con cui l'invito, le presenze e i verbali la chiamano se non ha ancora un account "
            "(chi ha già un account tiene il suo). Senza nome compare come «Ospite senza nome»."
        ),
    )
    role = SelectField(_l("Ruolo nel gruppo"), choices=list(GROUP_ROLE_LABELS.items()), default="member")
    start_on = ItalianDateField(START_ON, validators=[Optional()], description=START_HELP)
    submit = SubmitField(_l("Aggiungi al gruppo"))


class PersonForm(BaseForm):
    """Someone without an account, recorded by the secretary."""

    name = StringField(
        _l("Nome e cognome"),
        filters=[single_line],
        validators=[DataRequired(_l("Scrivi nome e cognome.")), SHORT],
    )
    email = StringField(
        _l("E-mail (facoltativa)"),
        validators=[Optional(), Email(_l("Scrivi un indirizzo e-mail valido."))],
        description=_l("Se la scrivi e non ha ancora un account, la persona riceverà un invito per crearlo."),
    )
    role = SelectField(_l("Ruolo nel gruppo"), choices=list(GROUP_ROLE_LABELS.items()), default="member")
    start_on = ItalianDateField(START_ON, validators=[Optional()], description=START_HELP)
    submit = SubmitField(_l("Aggiungi la persona"))


class RoleForm(BaseForm):
    role = SelectField(_l("Ruolo"), choices=list(GROUP_ROLE_LABELS.items()))
    submit = SubmitField(_l("Cambia ruolo"))


class PointRow(BaseForm):
    """One row of the ordine del giorno; a row left wholly empty is no point."""

    class Meta:
        csrf = False

    point_id = HiddenField()
    position = IntegerField(
        _l("N."),
        validators=[Optional(), NumberRange(min=1, max=999, message=_l("Scrivi un numero tra 1 e 999."))],
    )
    title = StringField(
        _l("Punto"),
        filters=[single_line],
        validators=[Length(max=200, message=_l("Al massimo %(max)d caratteri."))],
    )
    presenter = StringField(_l("Chi lo presenta (facoltativo)"), filters=[single_line], validators=[SHORT])
    minutes_planned = IntegerField(
        _l("Minuti previsti (facoltativo)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_POINT_MINUTES,
                                            message=_l("Scrivi un numero di minuti tra 1 e 240."))],
    )  # fmt: skip
    remove = BooleanField(_l("Togli"))

    @property
    def is_blank(self) -> bool:
        typed_minutes = (self.minutes_planned.raw_data or [""])[0]
        return not (self.title.data or self.presenter.data or typed_minutes)

    def validate_title(self, field):
        if not field.data and not self.remove.data and not self.is_blank:
            raise ValidationError(_l("Scrivi il titolo del punto."))


def _id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


# Rows read from one post at most (a longer list is cut here, then refused by MAX_POINTS).
MAX_POINT_ROWS = 200


class MeetingForm(VersionForm, BaseForm):
    held_on = ItalianDateField(
        _l("Data"), validators=[DataRequired(_l("Scrivi una data valida (giorno, mese, anno)."))]
    )
    start_time = ItalianTimeField(
        _l("Inizio"), validators=[DataRequired(_l("Scrivi un orario valido, ad esempio 16:30."))]
    )
    end_time = ItalianTimeField(
        _l("Fine"), validators=[DataRequired(_l("Scrivi un orario valido, ad esempio 16:30."))]
    )
    venue = StringField(
        _l("Sede"), filters=[single_line], validators=[DataRequired(_l("Scrivi la sede.")), Length(max=200)]
    )
    points = FieldList(FormField(PointRow), label=_l("Ordine del giorno"), max_entries=MAX_POINT_ROWS)
    add_point = SubmitField(_l("Aggiungi un punto"))
    submit = SubmitField(_l("Salva l'incontro"))

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("La fine deve venire dopo l'inizio."))

    def validate_points(self, field):
        if len(self.point_values()) > MAX_POINTS:
            raise ValidationError(_l("Al massimo %(n)d punti all'ordine del giorno.", n=MAX_POINTS))

    def with_blank_rows(self, count: int = 3) -> "MeetingForm":
        """Empty rows to add points without JavaScript."""
        for _n in range(count):
            self.points.append_entry()
        return self

    def point_values(self) -> list[PointValues]:
        """The points as typed, in the order of their numbers (rows without a number last)."""
        rows = [
            (entry.form.position.data or MAX_POINT_ROWS + index, index, entry.form)
            for index, entry in enumerate(self.points)
            if not entry.form.remove.data and entry.form.title.data
        ]
        return [
            PointValues(
                title=row.title.data, presenter=row.presenter.data or "",
                minutes_planned=row.minutes_planned.data or None,
                point_id=_id(row.point_id.data),
            )
            for _position, _index, row in sorted(rows, key=lambda r: (r[0], r[1]))
        ]  # fmt: skip


class AttendanceRow(BaseForm):
    class Meta:
        csrf = False

    key = HiddenField()
    status = SelectField(_l("Presenza"), choices=list(ATTENDANCE_LABELS.items()), default="unrecorded")
    arrived_at = ItalianTimeField(_l("Ora di arrivo (se in ritardo)"), validators=[Optional()])
    left_at = ItalianTimeField(_l("Ora di uscita (se prima della fine)"), validators=[Optional()])


class AttendanceForm(BaseForm):
    rows = FieldList(FormField(AttendanceRow))
    submit = SubmitField(_l("Salva le presenze"))


class GuestForm(BaseForm):
    name = StringField(
        _l("Nome dell'ospite"),
        filters=[single_line],
        validators=[DataRequired(_l("Scrivi il nome dell'ospite.")), SHORT],
    )
    organisation = StringField(_l("Organizzazione (facoltativa)"), filters=[single_line], validators=[SHORT])
    status = SelectField(_l("Presenza"), choices=list(ATTENDANCE_LABELS.items()), default="unrecorded")
    submit = SubmitField(_l("Aggiungi ospite"))


RSVP_CHOICES = [("yes", _l("Sì, ci sarò")), ("no", _l("No, non ci sarò")), ("maybe", _l("Forse"))]


class RsvpForm(BaseForm):
    """A member's answer to a convocazione, from the meeting page or an e-mail link."""

    answer = RadioField(
        _l("Ci sarai?"),
        choices=RSVP_CHOICES,
        validate_choice=False,
        validators=[
            DataRequired(_l("Scegli sì, no o forse.")),
            AnyOf([value for value, _label in RSVP_CHOICES], message=_l("Scegli sì, no o forse.")),
        ],
    )
    note = StringField(
        _l("Una nota (facoltativa)"),
        filters=[single_line],
        validators=[Length(max=200, message=_l("Al massimo %(max)d caratteri."))],
        description=_l("Ad esempio: arrivo alle 15. La vede solo il gruppo."),
    )
    submit = SubmitField(_l("Conferma la risposta"))


class ActionForm(BaseForm):
    description = StringField(
        _l("Pista di lavoro"), filters=[single_line],
        validators=[DataRequired(_l("Descrivi l'azione.")), Length(max=500, message=_l("Al massimo %(max)d caratteri."))],
    )  # fmt: skip
    owner = SelectField(_l("Responsabile"), validate_choice=False)
    due_on = ItalianDateField(_l("Scadenza (facoltativa)"), validators=[Optional()])
    submit = SubmitField(_l("Aggiungi l'azione"))


class ActionCommentForm(BaseForm):
    body = StringField(
        _l("Commento"), filters=[single_line],
        validators=[DataRequired(_l("Scrivi il commento.")), Length(max=2000, message=_l("Al massimo %(max)d caratteri."))],
    )  # fmt: skip
    submit = SubmitField(_l("Commenta"))


class ActionStatusForm(BaseForm):
    status = SelectField(_l("Stato"), choices=list(ACTION_STATUS_LABELS.items()))
    meeting_id = HiddenField()
    submit = SubmitField(_l("Aggiorna"))


class ExportForm(BaseForm):
    group_id = SelectField(_l("Gruppo"), coerce=int, validate_choice=False)
    start = ItalianDateField(
        _l("Dal"), validators=[DataRequired(_l("Scrivi una data valida (giorno, mese, anno)."))]
    )
    end = ItalianDateField(
        _l("Al"), validators=[DataRequired(_l("Scrivi una data valida (giorno, mese, anno)."))]
    )
    file_format = SelectField(_l("Formato"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV (UTF-8)")])
    submit = SubmitField(_l("Scarica"))

    def validate_end(self, field):
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("La data finale deve venire dopo quella iniziale."))
            if (field.data - self.start.data).days > 5 * 366:
                raise ValidationError(_l("Il periodo può essere al massimo di 5 anni."))


class MeetingRuleForm(RecurrenceForm):
    """The group's meeting rule: app.calendar's recurrence fields, a place and a required end."""

    venue = StringField(
        _l("Sede"), filters=[single_line], validators=[DataRequired(_l("Scrivi la sede.")), Length(max=200)]
    )
    submit = SubmitField(_l("Salva la regola degli incontri"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.freq.choices = [c for c in self.freq.choices if c[0] != Frequency.NONE]
        self.until_on.label.text = _l("Fino al (ultima data)")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.count.data:  # a rule ends on a date, so its words and its meetings agree
            self.count.errors = [*self.count.errors, _l("Indica l'ultima data, non un numero di incontri.")]
            return False
        if not self.until_on.data and not self.until_on.errors:
            self.until_on.errors = [*self.until_on.errors, _l("Indica fino a quando valgono gli incontri.")]
            return False
        return valid
