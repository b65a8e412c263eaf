// Coordinators' dashboard: attendance by month, drawn by Chart.js from the
// JSON the page carries (the same numbers are in the table beside it).
const source = document.getElementById("grafico-dati");
const canvas = document.getElementById("grafico-presenze");
if (source && canvas && window.Chart) {
  const data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: data.title, data: data.values, backgroundColor: "#0066cc" }],
    },
    options: {
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}
