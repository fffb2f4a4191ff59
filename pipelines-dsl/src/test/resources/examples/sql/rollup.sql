-- orders per country on {{ ds }}
SELECT country, count(*) AS orders
FROM adults
GROUP BY country
