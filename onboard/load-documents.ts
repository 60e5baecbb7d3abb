import { readFile } from 'node:fs/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import { type GraphQLSchema, buildClientSchema, buildSchema, type IntrospectionQuery } from 'graphql';
import type { OpenApiDocument } from './openapi-onboard.js';
import { OnboardError } from './onboard-plan.js';

/** Reads an OpenAPI 3.x or Swagger 2 document (a file or an http(s) URL, JSON or YAML) with every `$ref` resolved. */
export async function loadOpenApi(location: string): Promise<OpenApiDocument> {
  try {
    return (await SwaggerParser.dereference(location)) as unknown as OpenApiDocument;
  } catch (err) {
    throw new OnboardError(`cannot read the OpenAPI document ${location}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Reads a GraphQL schema from a file: SDL (`.graphql`, `.gql`) or an introspection result (JSON, with or without `data`). */
export async function loadGraphqlSchemaFile(path: string): Promise<GraphQLSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new OnboardError(`cannot read the schema file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    if (/^\s*[[{]/.test(text)) {
      const json = JSON.parse(text) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
      return buildClientSchema((json.data ?? json) as IntrospectionQuery);
    }
    return buildSchema(text, { assumeValidSDL: true });
  } catch (err) {
    throw new OnboardError(`${path} is neither GraphQL SDL nor an introspection result: ${(err as Error).message.split('\n')[0]}`);
  }
}
