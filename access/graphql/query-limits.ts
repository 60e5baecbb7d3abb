import { type ASTVisitor, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * A validation rule refusing queries deeper than `maxDepth` or selecting more than `maxFields`
 * fields in total (fragments expanded, so a fragment used ten times counts ten times). Runs
 * before execution, so an expensive query costs nothing but its parse.
 */
export function queryLimitsRule(maxDepth: number, maxFields: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    return {
      OperationDefinition(node) {
        let fields = 0;
        let deepest = 0;
        const walk = (set: SelectionSetNode, depth: number, seen: ReadonlySet<string>): void => {
          for (const s of set.selections) {
            if (fields > maxFields || deepest > maxDepth) return;
            if (s.kind === Kind.FIELD) {
              if (s.name.value.startsWith('__')) continue;
              fields++;
              deepest = Math.max(deepest, depth);
              if (s.selectionSet) walk(s.selectionSet, depth + 1, seen);
            } else if (s.kind === Kind.INLINE_FRAGMENT) {
              walk(s.selectionSet, depth, seen);
            } else {
              const f = fragments.get(s.name.value);
              // A fragment cycle is reported by graphql's own rules; just do not loop here.
              if (f && !seen.has(f.name.value)) walk(f.selectionSet, depth, new Set([...seen, f.name.value]));
            }
          }
        };
        walk(node.selectionSet, 1, new Set());
        if (deepest > maxDepth) context.reportError(new GraphQLError(`query is deeper than ${maxDepth} levels; split it`, { nodes: [node] }));
        else if (fields > maxFields) context.reportError(new GraphQLError(`query selects more than ${maxFields} fields; select fewer or split it`, { nodes: [node] }));
      },
    };
  };
}
