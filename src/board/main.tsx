import { render } from 'preact'
import 'leaflet/dist/leaflet.css'
import './styles.css'
import { App } from './views/app'

render(<App />, document.getElementById('app')!)
