import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * A validator for the OASIS SARIF 2.1.0 schema (errata01), kept under test/fixtures/sarif (from the
 * OASIS TC's sarif-spec repository, sarif-2.1/schema). It is draft-04, hence ajv-draft-04.
 */
export function sarifValidator(): (data: unknown) => { valid: boolean; errors: string[] } {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
  return (data) => {
    const valid = validate(data) as boolean;
    return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`) };
  };
}
