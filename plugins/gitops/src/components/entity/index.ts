export { DeploymentsContent } from './DeploymentsContent';
export { DeploymentsCard } from './DeploymentsCard';
