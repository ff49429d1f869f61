export { DeploymentsContent, DeploymentsCard } from './entity';
