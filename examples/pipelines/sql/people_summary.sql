-- One row per dimension value, from both aggregates; run {{ run_id }} for {{ ds }}.
SELECT 'region' AS dimension, region AS value, sum(adults) AS adults
FROM by_country
GROUP BY region
UNION ALL
SELECT 'age_band' AS dimension, band AS value, adults
FROM by_age_band
ORDER BY dimension, value
