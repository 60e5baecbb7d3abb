import fc from 'fast-check';

/** A person as both test sources may describe them: any field may be missing or shared with another person. */
const person = fc.record({
  email: fc.constantFrom('a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', null),
  crm: fc.constantFrom('c1', 'c2', 'c3', null),
  name: fc.constantFrom('Ada', 'Grace', 'Alan'),
  score: fc.integer({ min: 0, max: 3 }),
});

/**
 * Records of `crm.contacts` and `billing.customers` for the merge properties: few distinct
 * e-mails and CRM ids, so records link, conflict and merge entities often.
 */
export const overlappingPeople = fc
  .record({
    crm: fc.uniqueArray(person, { selector: (p) => p.crm ?? Math.random(), maxLength: 4 }),
    billing: fc.array(person, { maxLength: 5 }),
  })
  .map((rs) => {
    const crm = rs.crm.filter((p) => p.crm !== null).map((p) => ({ id: p.crm, email: p.email, name: p.name, score: p.score }));
    const billing = rs.billing.map((p, i) => ({ id: 100 + i, email: p.email, crm_ref: p.crm, name: p.name, score: p.score }));
    return { crm, billing };
  });

/**
 * The `customer` entity the overlapping people merge into: matched by e-mail or CRM id, the
 * smallest e-mail, the CRM's name first, scores summed.
 */
export const overlappingCustomer = {
  matchOn: ['email', { key: 'crm_id', from: { 'crm.contacts': '$.id', 'billing.customers': '$.crm_ref' } }],
  fields: {
    email: { type: 'string', strategy: 'min' },
    name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] },
    score: { type: 'integer', strategy: 'sum' },
  },
  sources: {
    'crm.contacts': { fields: { email: { path: '$.email', transforms: ['trim', 'lower'] }, name: '$.name', score: '$.score' } },
    'billing.customers': { fields: { email: '$.email', name: '$.name', score: '$.score' } },
  },
};
