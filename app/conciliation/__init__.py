"""Per il tuo tempo: the district's services that give working families time back (servizi
conciliativi). Accredited providers and their catalogue, the alliance of employers, orders,
voucher calls with their ranking, vouchers spent on orders, and providers' monthly statements."""

from flask import Blueprint

bp = Blueprint("conciliation", __name__, template_folder="templates", url_prefix="/per-il-tuo-tempo")
