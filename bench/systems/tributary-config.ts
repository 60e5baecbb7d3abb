/**
 * The bench pipeline in Tributary's config language: the three bench sources (two REST with
 * cursor pagination, one GraphQL with Relay pagination) merged into one `person` entity matched
 * by e-mail, with a conflict strategy per field.
 */
export function tributaryBenchConfig(upstreamUrl: string, pageSize: number, merge: { maxPartitions?: number; overlap?: boolean } = {}): string {
  const mergeOptions = [...(merge.maxPartitions ? [`maxPartitions: ${merge.maxPartitions}`] : []), ...(merge.overlap === false ? ['overlap: false'] : [])];
  return `version: 1
sources:
  crm:
    type: rest
    baseUrl: ${upstreamUrl}
    streams:
      contacts:
        path: /crm/contacts
        params: { limit: ${pageSize} }
        recordsPath: $.data
        primaryKey: id
        pagination: { type: cursor, cursorPath: $.next_cursor, param: cursor }
  billing:
    type: rest
    baseUrl: ${upstreamUrl}
    streams:
      customers:
        path: /billing/customers
        params: { limit: ${pageSize} }
        recordsPath: $.customers
        primaryKey: customer_id
        pagination: { type: cursor, cursorPath: $.meta.next_cursor, param: cursor }
  support:
    type: graphql
    url: ${upstreamUrl}/support/graphql
    introspection: false
    streams:
      customers:
        connectionPath: $.data.customers
        pageSize: ${pageSize}
        primaryKey: id
        query: |
          query Customers($first: Int!, $after: String) {
            customers(first: $first, after: $after) {
              totalCount
              pageInfo { hasNextPage endCursor }
              edges { node { id email displayName phone tier openTickets organization { name domain } lastTicket { id subject createdAt } createdAt updatedAt } }
            }
          }
entities:
  person:
    matchOn: [email]
    defaultStrategy: latest
    fields:
      email: { type: string, strategy: first_non_null }
      name: { type: string, strategy: priority, priority: [crm, billing, support] }
      phone: { type: string, strategy: latest }
      company: { type: string, strategy: priority, priority: [crm, support] }
      lifecycle_stage: { type: string }
      plan: { type: string, strategy: priority, priority: [billing] }
      billing_status: { type: string }
      mrr: { type: decimal, strategy: max }
      currency: { type: string }
      support_tier: { type: string }
      open_tickets: { type: integer, strategy: sum }
      tags: { type: string, array: true, strategy: union }
      city: { type: string }
      country: { type: string }
      updated_at: { type: timestamp, strategy: max }
    sources:
      crm.contacts:
        updatedAt: $.updated_at
        fields:
          email: { path: $.email, transforms: [trim, lower, null_if_empty] }
          name: { template: '{first_name} {last_name}' }
          phone: { path: $.phone, transforms: [trim, null_if_empty] }
          company: $.company
          lifecycle_stage: $.lifecycle_stage
          tags: $.tags
          city: $.address.city
          country: $.address.country
          updated_at: $.updated_at
      billing.customers:
        updatedAt: $.updated_at
        fields:
          email: { path: $.contact.email, transforms: [trim, lower, null_if_empty] }
          name: { path: $.name, transforms: [trim] }
          phone: { path: $.contact.phone, transforms: [trim, null_if_empty] }
          plan: $.plan
          billing_status: $.status
          mrr: { path: $.mrr_cents, transforms: [{ scale: 0.01 }] }
          currency: { path: $.currency, transforms: [upper] }
          city: $.billing_address.city
          country: $.billing_address.country
          updated_at: $.updated_at
      support.customers:
        updatedAt: $.updatedAt
        fields:
          email: { path: $.email, transforms: [trim, lower, null_if_empty] }
          name: $.displayName
          phone: { path: $.phone, transforms: [trim, null_if_empty] }
          company: $.organization.name
          support_tier: { path: $.tier, transforms: [lower] }
          open_tickets: $.openTickets
          updated_at: $.updatedAt
${mergeOptions.length > 0 ? `merge: { ${mergeOptions.join(', ')} }\n` : ''}pipelines:
  bench:
    schedule: { every: 1h }
    sources: [crm, billing, support]
`;
}
