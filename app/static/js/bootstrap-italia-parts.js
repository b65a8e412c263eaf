// The parts of Bootstrap Italia the pages use (the menu that folds on a phone and the
// administration drop-down), bundled by `make assets` instead of the whole 1 MB bundle.
// Each part answers its data-bs-toggle attribute by itself once loaded.
import Dropdown from "bootstrap-italia/dist/plugins/dropdown.js";
import NavBarCollapsible from "bootstrap-italia/dist/plugins/navbar-collapsible.js";

window.bootstrap = { Dropdown, NavBarCollapsible };
