import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/** Any JSON value (provenance, source records, `json` fields). */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: function literal(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.LIST:
        return node.values.map(literal);
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
      default:
        return null;
    }
  },
});

/** ISO 8601 timestamps. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 timestamp, e.g. 2024-05-01T12:00:00.000Z.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : String(v)),
  parseValue: (v) => String(v),
  parseLiteral: (node) => (node.kind === Kind.STRING ? node.value : undefined),
});

/** Calendar dates. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date YYYY-MM-DD.',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)),
  parseValue: (v) => String(v),
  parseLiteral: (node) => (node.kind === Kind.STRING ? node.value : undefined),
});

/** 64-bit integers: a number while exact, a string beyond 2^53. */
export const LongScalar = new GraphQLScalarType({
  name: 'Long',
  description: 'A 64-bit integer: a JSON number while exact (|n| < 2^53), a string beyond.',
  serialize: (v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v),
  parseValue: (v) => String(v),
  parseLiteral: (node) => (node.kind === Kind.INT || node.kind === Kind.STRING ? node.value : undefined),
});

/** Exact decimals, as strings so no digit is lost. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number, as a string (e.g. "19.90").',
  serialize: (v) => String(v),
  parseValue: (v) => String(v),
  parseLiteral: (node) => (node.kind === Kind.INT || node.kind === Kind.FLOAT || node.kind === Kind.STRING ? node.value : undefined),
});
