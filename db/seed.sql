-- Seed content for a new database, applied after schema.sql:
--   sqlite3 -bail db/site.db < schema.sql && sqlite3 -bail db/site.db < db/seed.sql
-- The article body is inline (readfile() paths depend on the shell's working directory);
-- db/seed/sciatica-and-back-pain.md holds the same Markdown for reading and editing.

BEGIN;

INSERT INTO settings(key, value) VALUES
  ('site_name',   'Acupuncture Clinic'),
  ('tagline',     'Acupuncture for pain relief and well-being'),
  ('base_url',    'http://127.0.0.1:8080'),
  ('description', 'Acupuncture Clinic: articles on acupuncture for back pain, sciatica and other conditions.'),
  ('lang',        'en-GB'),
  ('contact:Roy', '07872-645683'),   -- contacts are listed in this (rowid) order
  ('contact:Tom', '07735-332420');

INSERT INTO articles(title, published_at, updated_at, body) VALUES (
'Sciatica and back pain. What''s the difference, and can acupuncture help?',
'2024-03-12T09:00:00Z',
'2024-03-12T09:00:00Z',
'Back pain is the UK’s leading cause of disability, and one of the main reasons for work-related sickness absence. Sciatica is specifically a syndrome involving nerve root impingement and/or inflammation that has progressed enough to cause neurological symptoms (e.g. pain, numbness, paraesthesia).

## So, can acupuncture help?

We''re in the business of helping people and relieving pain, so the short answer is YES!

Acupuncture for sciatica and back pain works especially well alongside conventional care, and can help limit or even reduce your use of medication. Take a look through the following key points.

Acupuncture can relieve back pain and sciatica by:

- Stimulating nerves located in muscles and other tissues, which leads to the release of endorphins and other neurohumoral factors, and changes the processing of pain in the brain and spinal cord.
- Reducing inflammation, by promoting the release of vascular and immunomodulatory factors.
- Improving muscle stiffness and joint mobility by increasing local microcirculation, which aids the dispersal of swelling.
- Causing a transient change in sciatic nerve blood flow, including circulation to the cauda equine and nerve root. This response is eliminated or attenuated by the administration of atropine, indicating that it occurs mainly via cholinergic nerves.
- Influencing the neurotrophic factor signalling system, which is important in neuropathic pain.
- Increasing levels of serotonin and noradrenaline, which can help reduce pain and speed nerve repair.
- Improving the conductive parameters of the sciatic nerve.
- Promoting regeneration of the sciatic nerve

Pain can have an impact on your life including mood, relationships and career. Make time to take care of yourself. We''d be happy to have a chat about your symptoms and find ways to help you, so get in touch.
');

-- The count brought over from the old site; total follows imported.
UPDATE views SET imported = 66
WHERE article_id = (SELECT id FROM articles
                    WHERE slug = 'sciatica-and-back-pain-what-s-the-difference-and-can-acupuncture-help');

COMMIT;
