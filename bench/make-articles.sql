-- bench/make-articles.sql: adds realistic articles to a database made from
-- schema.sql (and usually db/seed.sql), for the benchmark.  The number to add
-- comes from a temporary table made just before, in the same sqlite3 session:
--
--   { echo 'CREATE TEMP TABLE bench_count AS SELECT 9999 AS n;';
--     cat bench/make-articles.sql; } | sqlite3 -bail bench.db
--
-- Every article goes in through the owner's path (INSERT INTO articles, all
-- triggers firing; the slug is made from the title by articles_fill).  Bodies are
-- Markdown of 3-8 KB, as a clinic's are: an introduction, three to seven "##"
-- sections, a bulleted and a numbered list, emphasis, links; one article in 40
-- shows a picture (/media/bench-K.jpg, K = 0..4: bench/tail.py adds them).
-- Titles share the common words of the topics ("back pain", "acupuncture").
-- Each article has two or three tags (its topic, its angle, and "acupuncture"
-- for one in two).  Sentences, headings and titles are picked from small banks
-- by arithmetic on the article's number, so the content is the same on every
-- run.  published_at is distinct for every article: one every 5 hours from
-- 2018-01-01, all in the past (none of them is scheduled).

BEGIN;

CREATE TEMP TABLE bench_sentence(id INTEGER PRIMARY KEY, s TEXT NOT NULL);
INSERT INTO bench_sentence(id, s) VALUES
 (0, 'Many people come to the clinic after months of discomfort that has slowly started to shape their working day, their sleep and their mood.'),
 (1, 'Acupuncture is used in NHS pain clinics and by many physiotherapists, usually alongside exercise, advice and conventional medication.'),
 (2, 'The needles are very fine, much thinner than those used for injections, and most patients describe a dull ache or tingling rather than pain.'),
 (3, 'A typical course is six to eight sessions, one a week at first, after which we review progress together and agree what comes next.'),
 (4, 'Research published over the last twenty years suggests that acupuncture changes how the brain and spinal cord process pain signals.'),
 (5, 'It is not a cure for everything, and we will always tell you honestly if we think another approach would serve you better.'),
 (6, 'Stress, poor posture and long hours at a desk often make matters worse, so we look at the whole picture and not just the painful spot.'),
 (7, 'Some patients notice a change after the first treatment, while for others the benefit builds up gradually over several weeks.'),
 (8, 'Keeping a simple diary of your symptoms between sessions helps both of us to see what is changing and what is not.'),
 (9, 'Gentle movement usually helps more than rest, and we can suggest simple stretches that fit into a busy day without special equipment.'),
 (10, 'If your symptoms include numbness, weakness or problems with bladder or bowel control, see your GP or call 111 straight away.'),
 (11, 'We take a full history at the first appointment, including any medication you take, because it affects how we plan your treatment.'),
 (12, 'Sleep and pain are closely linked: a bad night lowers the threshold for pain, and pain in turn makes it harder to sleep well.'),
 (13, 'Acupuncture is generally very safe when it is practised by a fully qualified practitioner using single-use sterile needles.'),
 (14, 'Minor bruising or a brief feeling of tiredness after a session are the most common side effects, and both pass quickly.'),
 (15, 'Headaches that come back week after week deserve a proper assessment before any treatment, so we always ask about their pattern.'),
 (16, 'Many of our patients combine acupuncture with physiotherapy, osteopathy or a structured exercise programme from their GP.'),
 (17, 'The National Institute for Health and Care Excellence recommends considering acupuncture for chronic primary pain in adults.'),
 (18, 'Warmth, regular meals and enough water sound like small things, yet they make a real difference to how the body copes with strain.'),
 (19, 'Please wear loose, comfortable clothing to your appointment so that we can reach the points we need without fuss.'),
 (20, 'Children and older adults can be treated too, with fewer needles and shorter sessions adapted to how they feel on the day.'),
 (21, 'During pregnancy some points are avoided, and we always work alongside your midwife rather than instead of her.'),
 (22, 'We are happy to talk on the phone before you book, so that you can decide whether acupuncture is right for you.'),
 (23, 'Anxiety often shows itself in the body first, as tight shoulders, a clenched jaw or shallow breathing through the day.'),
 (24, 'Small, steady changes to daily habits tend to last longer than dramatic ones that are hard to keep up after the first week.'),
 (25, 'The evidence for knee osteoarthritis is encouraging, particularly when treatment is combined with strengthening exercises.'),
 (26, 'Most sessions last about forty-five minutes, and the needles themselves stay in place for around twenty of those.'),
 (27, 'You do not need a referral from your doctor, although we are glad to write to them with your consent.'),
 (28, 'People who work shifts often find that their symptoms follow the rota, easing on days off and returning with night work.'),
 (29, 'Tension in the neck and upper back frequently travels upward and contributes to headaches behind the eyes.'),
 (30, 'We keep our notes private and never share them without your written permission, except where the law requires it.'),
 (31, 'Hay fever, digestive complaints and menstrual pain are among the other reasons people ask us about acupuncture.'),
 (32, 'A short walk every day, even ten minutes at lunchtime, is one of the best things you can do for a stiff back.'),
 (33, 'If a treatment is not helping after four or five sessions, we will say so and help you look for something that does.'),
 (34, 'Chronic pain is real pain: it is not imagined, and it deserves to be taken seriously by everyone involved in your care.'),
 (35, 'Breathing slowly and deeply for a few minutes before bed calms the nervous system and can make it easier to fall asleep.'),
 (36, 'Our clinic has step-free access, and there is a quiet waiting area if you arrive a little early for your appointment.'),
 (37, 'The first consultation takes a little longer than later ones, because we want to understand your situation properly.'),
 (38, 'Medication still has its place, and acupuncture can sometimes allow a lower dose under the guidance of your doctor.'),
 (39, 'Repetitive strain from keyboards, tools or musical instruments responds well to a mix of rest, movement and treatment.'),
 (40, 'We update our advice as new research appears, and we are always glad to discuss a study you have read about.'),
 (41, 'Plantar fasciitis, tennis elbow and frozen shoulder can take months to settle, and patience is part of the treatment.'),
 (42, 'It helps to eat a light meal an hour or two before your session rather than arriving hungry or straight after a large lunch.'),
 (43, 'Some people feel deeply relaxed after treatment, so it is wise not to plan anything strenuous for the rest of the day.'),
 (44, 'Talking about what matters to you, such as getting back to the garden or playing with grandchildren, keeps treatment focused.'),
 (45, 'Cold weather makes many joints feel worse, and keeping them warm and moving is simple advice that genuinely works.'),
 (46, 'We see patients in the evenings and on Saturday mornings for those who cannot easily take time away from work.'),
 (47, 'Your feedback shapes how we work, so please tell us what helped, what did not and what you would like us to do differently.');

CREATE TEMP TABLE bench_heading(id INTEGER PRIMARY KEY, h TEXT NOT NULL);
INSERT INTO bench_heading(id, h) VALUES
 (0, 'What to expect at your first appointment'), (1, 'How acupuncture may help'),
 (2, 'What the research says'), (3, 'Things you can do at home'),
 (4, 'When to see your GP first'), (5, 'How many sessions will I need?'),
 (6, 'Is it safe?'), (7, 'Working alongside other treatments'),
 (8, 'A typical course of treatment'), (9, 'Common questions'),
 (10, 'Getting the most from each session'), (11, 'After your treatment');

CREATE TEMP TABLE bench_topic(id INTEGER PRIMARY KEY, t TEXT NOT NULL);
INSERT INTO bench_topic(id, t) VALUES
 (0, 'Lower back pain'), (1, 'Sciatica'), (2, 'Migraine'), (3, 'Tension headaches'),
 (4, 'Neck pain'), (5, 'Knee osteoarthritis'), (6, 'Frozen shoulder'), (7, 'Tennis elbow'),
 (8, 'Plantar fasciitis'), (9, 'Insomnia'), (10, 'Anxiety and stress'), (11, 'Hay fever'),
 (12, 'Period pain'), (13, 'Pregnancy back pain'), (14, 'Repetitive strain injury'),
 (15, 'Fibromyalgia'), (16, 'Jaw pain'), (17, 'Hip pain'), (18, 'Carpal tunnel syndrome'),
 (19, 'Digestive complaints');

CREATE TEMP TABLE bench_angle(id INTEGER PRIMARY KEY, a TEXT NOT NULL);
INSERT INTO bench_angle(id, a) VALUES
 (0, 'what helps and what to avoid'), (1, 'can acupuncture help?'),
 (2, 'a patient''s story'), (3, 'questions we are often asked'),
 (4, 'five things to try this week'), (5, 'what the evidence says'),
 (6, 'myths and facts'), (7, 'a practical guide');

-- Article n (1..count): its sentence number k is (n * 7 + k * 11) % 48.
INSERT INTO articles(title, published_at, updated_at, body)
WITH RECURSIVE seq(n) AS (
  SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < (SELECT n FROM temp.bench_count)
)
SELECT
  (SELECT t FROM bench_topic WHERE id = n % 20) || ': ' ||
    (SELECT a FROM bench_angle WHERE id = (n / 20) % 8) || ' (note ' || n || ')',
  strftime('%Y-%m-%dT%H:%M:%SZ', '2018-01-01T08:00:00Z', '+' || (n * 5) || ' hours'),
  strftime('%Y-%m-%dT%H:%M:%SZ', '2018-01-01T08:00:00Z', '+' || (n * 5 + 30) || ' hours'),
  -- the introduction, then sections
  (SELECT group_concat(txt, ' ') FROM (SELECT k.value AS k, s AS txt FROM generate_series(0, 3) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 7 + k.value * 11) % 48 ORDER BY k.value)) ||
  char(10) || char(10) || '## ' || (SELECT h FROM bench_heading WHERE id = n % 12) || char(10) || char(10) ||
  (SELECT group_concat(txt, ' ') FROM (SELECT k.value AS k, s AS txt FROM generate_series(4, 6) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 7 + k.value * 11) % 48 ORDER BY k.value)) ||
  char(10) || char(10) || 'In short:' || char(10) || char(10) ||
  (SELECT group_concat('- ' || txt, char(10)) FROM (SELECT k.value AS k, s AS txt FROM generate_series(7, 10 + seq.n % 3) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 7 + k.value * 11) % 48 ORDER BY k.value)) ||
  char(10) || char(10) || '## ' || (SELECT h FROM bench_heading WHERE id = (n + 5) % 12) || char(10) || char(10) ||
  (SELECT group_concat(txt, ' ') FROM (SELECT k.value AS k, s AS txt FROM generate_series(13, 15) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 7 + k.value * 11) % 48 ORDER BY k.value)) ||
  ' *' || (SELECT group_concat(txt, ' ') FROM (SELECT k.value AS k, s AS txt FROM generate_series(16, 16) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 7 + k.value * 11) % 48 ORDER BY k.value)) || '*' ||
  char(10) || char(10) ||
  (SELECT group_concat((k - 16) || '. **' || substr(txt, 1, instr(txt, ' ') - 1) || '** ' || substr(txt, instr(txt, ' ') + 1), char(10)) FROM (SELECT k.value AS k, s AS txt FROM generate_series(17, 19 + seq.n % 2) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 7 + k.value * 11) % 48 ORDER BY k.value)) ||
  CASE WHEN n % 3 = 0 THEN '' ELSE
    char(10) || char(10) || '## ' || (SELECT h FROM bench_heading WHERE id = (n + 9) % 12) || char(10) || char(10) ||
    (SELECT group_concat(txt, ' ') FROM (SELECT k.value AS k, s AS txt FROM generate_series(21, 23 + seq.n % 4) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 7 + k.value * 11) % 48 ORDER BY k.value))
  END ||
  -- one to four more sections of seven sentences: bodies of 3-8 KB
  (SELECT group_concat(char(10) || char(10) || '## ' || (SELECT h FROM bench_heading WHERE id = (seq.n + x.value * 7) % 12) || char(10) || char(10) ||
     (SELECT group_concat(txt, ' ') FROM (SELECT s AS txt FROM generate_series(0, 6) AS k JOIN bench_sentence ON bench_sentence.id = (seq.n * 5 + x.value * 13 + k.value * 17) % 48 ORDER BY k.value)), '')
   FROM generate_series(1, 1 + (seq.n / 7) % 4) AS x) ||
  CASE WHEN n % 40 = 7 THEN char(10) || char(10) || '![A diagram of the treatment](/media/bench-' || ((n / 40) % 5) || '.jpg)' ELSE '' END ||
  char(10) || char(10) || 'The [NHS pages on this condition](https://www.nhs.uk/conditions/) are a good place to read more, ' ||
  'and we are happy to answer questions by phone.' || char(10)
FROM seq;

-- Tags: the topic, the angle, and "acupuncture" for one article in two.
CREATE TEMP TABLE bench_tagname(id INTEGER PRIMARY KEY, t TEXT NOT NULL);
INSERT INTO bench_tagname(id, t) VALUES
 (0, 'self-care'), (1, 'acupuncture'), (2, 'patient-stories'), (3, 'questions'),
 (4, 'self-care'), (5, 'evidence'), (6, 'myths'), (7, 'guides');
INSERT INTO tags(article_id, tag)
SELECT a.id, lower(replace(replace(replace(t.t, ' and ', ' '), '''', ''), ' ', '-'))
FROM articles a JOIN bench_topic t ON t.id = a.id % 20 WHERE a.title LIKE '%(note %)';
INSERT INTO tags(article_id, tag)
SELECT a.id, g.t FROM articles a JOIN bench_tagname g ON g.id = (a.id / 20) % 8
WHERE a.title LIKE '%(note %)';
INSERT INTO tags(article_id, tag)
SELECT a.id, 'acupuncture' FROM articles a WHERE a.title LIKE '%(note %)' AND a.id % 2 = 0
AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.article_id = a.id AND t.tag = 'acupuncture');
DROP TABLE temp.bench_tagname;

DROP TABLE temp.bench_sentence;
DROP TABLE temp.bench_heading;
DROP TABLE temp.bench_topic;
DROP TABLE temp.bench_angle;

COMMIT;
