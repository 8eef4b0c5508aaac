export * from './ip-address';
export * from './address-class';
export * from './allow-list';
export * from './address-guard';
