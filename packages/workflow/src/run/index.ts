export * from './advance-run';
export * from './evaluate-conditions';
export * from './plan-run';
export * from './retry-scope';
export * from './run-step';
export * from './summarise-run';
