// The report's stylesheet: readable on screen and in print, no web fonts (nothing is fetched).
export const REPORT_STYLES = `
body { font: 14px/1.45 -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Ubuntu, sans-serif; color: #131722;
  margin: 24px auto; max-width: 1400px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 16px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.summary dt { color: #787b86; }
.summary dd { margin: 0; }
.reasons { margin: 0; padding-left: 20px; }
.stats { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; }
.stats th, .stats td { border-bottom: 1px solid #e0e3eb; padding: 6px 8px; text-align: right; white-space: nowrap; }
.stats th[scope=row], .stats thead th:first-child { text-align: left; }
.stats thead th { color: #787b86; font-weight: 600; white-space: normal; }
.stats tbody tr:first-child { font-weight: 600; }
.gain td:nth-child(8) { color: #089981; }
.loss td:nth-child(8), strong.loss { color: #f23645; }
.legend span { margin-right: 16px; }
.legend .hint { color: #787b86; }
.chart { height: 220px; position: relative; }
.chart.price { height: 480px; }
`;
